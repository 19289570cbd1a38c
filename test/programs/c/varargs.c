/* Variadic functions: va_arg over mixed int/long/double/pointer/struct
 * arguments (more than fit in registers, so some come from the stack),
 * va_copy, vsnprintf/vfprintf wrappers, and many-argument calls. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct pair {
	int a;
	double b;
};
struct big {
	long x[5];
};

/* fmt letters: i int, l long, d double, f float(promoted), s string, p pair, b big */
static double sum(const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	double total = 0;
	for (const char *p = fmt; *p; p++) {
		switch (*p) {
		case 'i':
			total += va_arg(ap, int);
			break;
		case 'l':
			total += (double)va_arg(ap, long);
			break;
		case 'd':
		case 'f':
			total += va_arg(ap, double);
			break;
		case 's':
			total += (double)strlen(va_arg(ap, const char *));
			break;
		case 'p': {
			struct pair pr = va_arg(ap, struct pair);
			total += pr.a + pr.b;
			break;
		}
		case 'b': {
			struct big bg = va_arg(ap, struct big);
			for (int k = 0; k < 5; k++)
				total += (double)bg.x[k];
			break;
		}
		}
	}
	/* second pass through the copy: only count the ints */
	int ints = 0;
	for (const char *p = fmt; *p; p++) {
		switch (*p) {
		case 'i':
			ints += va_arg(ap2, int);
			break;
		case 'l':
			(void)va_arg(ap2, long);
			break;
		case 'd':
		case 'f':
			(void)va_arg(ap2, double);
			break;
		case 's':
			(void)va_arg(ap2, const char *);
			break;
		case 'p':
			(void)va_arg(ap2, struct pair);
			break;
		case 'b':
			(void)va_arg(ap2, struct big);
			break;
		}
	}
	va_end(ap2);
	va_end(ap);
	printf("sum(%s) = %.17g (ints %d)\n", fmt, total, ints);
	return total;
}

static int logf_(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(out, n, fmt, ap);
	va_end(ap);
	return r;
}

static void errorf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("error: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static long many(long a0, long a1, long a2, long a3, long a4, long a5, long a6, long a7, long a8, long a9,
		 double f0, double f1, double f2, double f3, double f4, double f5, double f6, double f7, double f8,
		 double f9, int last)
{
	return a0 + 2 * a1 + 3 * a2 + 4 * a3 + 5 * a4 + 6 * a5 + 7 * a6 + 8 * a7 + 9 * a8 + 10 * a9 +
	       (long)(f0 + 2 * f1 + 3 * f2 + 4 * f3 + 5 * f4 + 6 * f5 + 7 * f6 + 8 * f7 + 9 * f8 + 10 * f9) + last;
}

static int64_t vmax(int n, ...)
{
	va_list ap;
	va_start(ap, n);
	int64_t m = INT64_MIN;
	for (int i = 0; i < n; i++) {
		int64_t v = va_arg(ap, int64_t);
		if (v > m)
			m = v;
	}
	va_end(ap);
	return m;
}

int main(void)
{
	struct pair p1 = {3, 0.25}, p2 = {-7, 1e10};
	struct big b1 = {{1, 2, 3, 4, 5}};
	sum("");
	sum("i", 42);
	sum("iiiiiiiiiiii", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
	sum("dddddddddddd", 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5);
	sum("idlfsidlfsidlfs", 1, 2.25, 3L, 4.0f, "five", 6, 7.125, 8000000000L, 9.5f, "ten", -11, -12.5,
	    -13L, 1e-3f, "");
	sum("pipbdi", p1, 9, p2, b1, 0.1, 100);
	sum("bbbi", b1, b1, b1, -1);
	printf("many = %ld\n", many(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 99));
	printf("vmax = %lld\n", (long long)vmax(11, (int64_t)5, (int64_t)-3, (int64_t)1 << 40, (int64_t)7, (int64_t)9,
						 (int64_t)-1, (int64_t)0, (int64_t)3, (int64_t)1 << 41, (int64_t)2,
						 (int64_t)-100));
	char buf[64];
	int r = logf_(buf, sizeof buf, "%s=%d %5.2f %c%c %lx", "key", 12, 3.14159, 'o', 'k', 0xbeefUL);
	printf("vsnprintf %d [%s]\n", r, buf);
	r = logf_(buf, 8, "%s", "truncated output");
	printf("vsnprintf %d [%s]\n", r, buf);
	errorf("code %d: %s (%g)", 17, "something failed", 2.5e-7);
	return 0;
}
