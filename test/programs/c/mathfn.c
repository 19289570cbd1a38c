/* math.h across ranges, printed exactly (%.17g and %a): sin, cos, tan,
 * exp, log, log2, log10, pow, sqrt, cbrt, atan2, hypot, fma, floor, ceil,
 * round, trunc, rint, nearbyint, lrint, llround, fmod, remainder, frexp,
 * ldexp, modf, copysign, fmin/fmax, plus float variants. */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t bits(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof u);
	return u;
}

static uint64_t acc = 1469598103934665603ULL;
static void fold(double d)
{
	acc ^= bits(d);
	acc *= 1099511628211ULL;
}

/* volatile inputs so that nothing is constant-folded at -O2 */
static volatile double vin[] = {0.0, -0.0, 1e-310, 1e-200, 1e-8, 0.1, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0,
				 M_PI / 4, M_PI / 2, M_PI, 10.0, 22.0, 100.5, 709.0, 710.0, 1e10, 1e22, 1e300,
				 -0.5, -1.5, -2.5, -3.7, -100.25, -1e10, INFINITY, -INFINITY, NAN};
#define NIN (sizeof vin / sizeof vin[0])

typedef double (*f1)(double);
static const struct {
	const char *name;
	f1 f;
} funcs[] = {
	{"sin", sin},	{"cos", cos},	{"tan", tan},	  {"asin", asin},   {"acos", acos},	{"atan", atan},
	{"sinh", sinh}, {"cosh", cosh}, {"tanh", tanh},	  {"exp", exp},	    {"exp2", exp2},	{"expm1", expm1},
	{"log", log},	{"log2", log2}, {"log10", log10}, {"log1p", log1p}, {"sqrt", sqrt},	{"cbrt", cbrt},
	{"floor", floor}, {"ceil", ceil}, {"round", round}, {"trunc", trunc}, {"rint", rint}, {"nearbyint", nearbyint},
	{"fabs", fabs}, {"erf", erf},	{"lgamma", lgamma}, {"tgamma", tgamma},
};

int main(void)
{
	for (size_t k = 0; k < sizeof funcs / sizeof funcs[0]; k++) {
		printf("%s:", funcs[k].name);
		for (size_t i = 0; i < NIN; i++) {
			double r = funcs[k].f(vin[i]);
			fold(r);
			if (i % 4 == 0)
				printf(" %.17g", r);
		}
		printf("\n");
	}
	/* dense sweeps, folded into the checksum */
	for (int i = -2000; i <= 2000; i++) {
		double x = i * 0.0123456789;
		fold(sin(x));
		fold(cos(x));
		fold(exp(x / 8));
		fold(log(fabs(x) + 1e-3));
		fold(pow(fabs(x), 0.37 + i * 1e-4));
		fold(sqrt(fabs(x)));
		fold(atan2(x, 1.0 - x));
		fold(fmod(x * 1000.0, 3.0 + i % 7));
		fold(remainder(x * 1000.0, 2.5));
		fold(fma(x, x + 1.0, -x * x));
		fold(hypot(x, 3.0));
		fold((double)sinf((float)x));
		fold((double)expf((float)x / 8));
		fold((double)logf(fabsf((float)x) + 1e-3f));
		fold((double)sqrtf(fabsf((float)x)));
	}
	printf("sweep checksum %016llx\n", (unsigned long long)acc);

	/* exact bit patterns for a handful of results */
	volatile double a = 1.0000001, b = 3.0, c = -7.25, big = 1e308, tiny = 1e-308;
	printf("%a %a %a\n", sin(a), cos(a), tan(a));
	printf("%a %a %a\n", exp(b), log(b), pow(a, 1e7));
	printf("%a %a\n", pow(2.0, -1074.0), pow(-8.0, 1.0 / 3.0));
	printf("%.17g %.17g %.17g\n", pow(c, 3.0), pow(c, -2.0), pow(big, 2.0));
	printf("fma %a %a %a\n", fma(a, a, -1.0), fma(big, 10.0, -big * 10.0), fmaf(1.0000001f, 1.0000001f, -1.0f));
	printf("sqrt %a %a %a\n", sqrt(2.0 * a), sqrt(-a), (double)sqrtf(2.0f * (float)a));

	/* rounding functions on halves and near-halves */
	volatile double halves[] = {0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, 4503599627370495.5,
				    -4503599627370497.0, 1e16 + 1, 2.5000000000000004};
	for (size_t i = 0; i < sizeof halves / sizeof halves[0]; i++) {
		double x = halves[i];
		printf("%.17g: floor %.17g ceil %.17g round %.17g trunc %.17g rint %.17g lrint %ld llround %lld lround "
		       "%ld\n",
		       x, floor(x), ceil(x), round(x), trunc(x), rint(x), lrint(x), llround(x), lround(x));
	}
	/* rounding modes */
	int modes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
	const char *mname[] = {"nearest", "upward", "downward", "towardzero"};
	for (int m = 0; m < 4; m++) {
		fesetround(modes[m]);
		volatile double one = 1.0, three = 3.0;
		printf("%-10s 1/3=%a -1/3=%a rint(2.5)=%g rint(-2.5)=%g lrint(-3.5)=%ld sqrt2=%a\n", mname[m],
		       one / three, -one / three, rint(2.5 + one - 1), rint(-2.5 + one - 1), lrint(-3.5 + one - 1),
		       sqrt(2.0 * one));
	}
	fesetround(FE_TONEAREST);
	feclearexcept(FE_ALL_EXCEPT);
	volatile double z = 0.0;
	volatile double q = 1.0 / z;
	printf("divbyzero %d inexact %d -> %g\n", fetestexcept(FE_DIVBYZERO) != 0, fetestexcept(FE_INEXACT) != 0, q);
	feclearexcept(FE_ALL_EXCEPT);
	q = z / z;
	printf("invalid %d -> %g\n", fetestexcept(FE_INVALID) != 0, q);
	feclearexcept(FE_ALL_EXCEPT);
	q = big * 10.0;
	printf("overflow %d inexact %d -> %g\n", fetestexcept(FE_OVERFLOW) != 0, fetestexcept(FE_INEXACT) != 0, q);
	feclearexcept(FE_ALL_EXCEPT);
	q = tiny / 1e10;
	printf("underflow %d -> %a\n", fetestexcept(FE_UNDERFLOW) != 0, q);

	/* decomposition */
	int e;
	double ip;
	for (size_t i = 0; i < NIN; i++) {
		double x = vin[i];
		double m = frexp(x, &e);
		double f = modf(x, &ip);
		if (i % 3 == 0)
			printf("frexp(%g)=%a,%d modf=%a,%a ldexp=%a ilogb=%d logb=%g cs=%g\n", x, m, isfinite(x) ? e : 0, f,
			       ip, ldexp(x, -1070), ilogb(x), logb(x), copysign(2.0, x));
	}
	printf("fmin %g fmax %g fmin(nan,1) %g fdim %g nextafter %a %a\n", fmin(-0.0, 0.0), fmax(-0.0, 0.0),
	       fmin(NAN, 1.0), fdim(5.0, 3.0), nextafter(1.0, 2.0), nextafter(0.0, -1.0));
	return 0;
}
