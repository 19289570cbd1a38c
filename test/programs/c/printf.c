/* stdio formatting: integers in every base and width, floats with
 * %f/%e/%g/%a and precisions, strings, chars, %n, snprintf truncation. */
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <stdio.h>
#include <string.h>

static const long long ints[] = {0, 1, -1, 7, -7, 42, 255, -256, 1000, 65535, -65536, 123456789,
				 INT_MAX, INT_MIN, (long long)UINT_MAX, LLONG_MAX, LLONG_MIN, 0x123456789abcdefLL};

static const double dbls[] = {0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1.5, 2.5, 3.14159265358979, 1e-300, 1e300,
			      123456.789, -9.87654321e-5, 1.0 / 3.0, 2.0 / 3.0, 6.02214076e23, 1.602176634e-19,
			      DBL_MAX, DBL_MIN, 4.9406564584124654e-324, 0.000123456, 999999.5, 9.5, 10.5};

int main(void)
{
	char buf[256];

	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		long long v = ints[i];
		printf("[%lld] [%20lld] [%-20lld|] [%+lld] [% lld] [%020lld] [%.15lld]\n", v, v, v, v, v, v, v);
		printf("  [%llx] [%#llX] [%llo] [%#llo] [%llu] [%#24llx]\n", (unsigned long long)v,
		       (unsigned long long)v, (unsigned long long)v, (unsigned long long)v,
		       (unsigned long long)v, (unsigned long long)v);
		printf("  [%d] [%5hd] [%hhd] [%hhu] [%*d] [%-*d|] [%.*d]\n", (int)v, (short)v, (signed char)v,
		       (unsigned char)v, 9, (int)v, 9, (int)v, 6, (int)v);
	}
	printf("[%" PRId64 "] [%" PRIu64 "] [%" PRIx32 "] [%zd] [%zu] [%td]\n", INT64_MIN, UINT64_MAX,
	       (uint32_t)0xdeadbeef, (ssize_t)-5, (size_t)5, (ptrdiff_t)-77);

	for (size_t i = 0; i < sizeof dbls / sizeof dbls[0]; i++) {
		double d = dbls[i];
		printf("%.17g | %g | %G | %e | %.0e | %.10E\n", d, d, d, d, d, d);
		printf("  %f | %.0f | %.3f | %12.4f | %-12.2f| %+f | % .1f | %012.3f\n", d > 1e30 ? 1e30 : d, d,
		       d, d, d > 1e30 ? 2.0 : d, d < -1e30 ? 0.0 : d, d, d > 1e20 ? 3.0 : d);
		printf("  %a | %A | %.3a | %.0a | %#g | %#.3g | %.1g | %.30g\n", d, d, d, d, d, d, d, d);
	}
	printf("%f %e %g %a\n", INFINITY, -INFINITY, NAN, INFINITY);
	printf("%5.1f|%-8g|%+e\n", -NAN, INFINITY, -INFINITY);
	printf("float %f %g %a %.9g\n", (double)1.1f, (double)3.4e38f, (double)1e-45f, (double)0.1f);
	printf("long double %Lf %Le %Lg %La\n", 1.0L / 3, 2.0L / 3, 1e4000L, 0.1L);
	printf("%.60f\n", 0.1);
	printf("%.40e\n", 1.0 / 7.0);
	printf("%.0f %.0f %.0f %.0f (round half even)\n", 0.5, 1.5, 2.5, -0.5);
	printf("%.2f %.2f %.2f\n", 2.675, 1.005, 1.125);
	printf("%.17g\n", 1e23);

	printf("[%s] [%10s] [%-10s|] [%.3s] [%10.2s] [%c] [%5c] [%-3c|] [%%]\n", "hello", "hi", "left", "truncate",
	       "xyz", 'A', 'B', 'C');
	int n1 = 0, n2 = 0;
	printf("abc%n def%n\n", &n1, &n2);
	printf("n1=%d n2=%d\n", n1, n2);

	/* snprintf: return values and truncation */
	for (size_t sz = 0; sz < 24; sz += 3) {
		memset(buf, '#', sizeof buf);
		int r = snprintf(buf, sz, "%s-%d-%.2f", "snprintf", 12345, 6.789);
		buf[sizeof buf - 1] = 0;
		printf("snprintf(size=%zu) = %d [%.*s]\n", sz, r, (int)(sz + 2), buf);
	}
	int r = snprintf(NULL, 0, "%0*d%s", 100, 7, "tail");
	printf("snprintf(NULL,0) = %d\n", r);
	r = sprintf(buf, "%08.3f|%-+6d|%x", -3.14159, 42, 48879);
	printf("sprintf = %d [%s]\n", r, buf);

	/* a long formatted line through stdout buffering */
	for (int i = 0; i < 200; i++)
		printf("%d%c", i * i, i % 20 == 19 ? '\n' : ',');
	fputs("fputs line\n", stdout);
	puts("puts line");
	putchar('!');
	putchar('\n');
	fprintf(stderr, "to stderr: %d %s %.3e\n", 99, "errors", 1234.5);
	fflush(stdout);
	return 0;
}
