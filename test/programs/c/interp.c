/* A small stack-machine interpreter (switch dispatch and computed goto)
 * running a few bytecode programs, plus a table-driven tokenizer state
 * machine over a generated text. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum op { PUSH, LOAD, STORE, ADD, SUB, MUL, DIV, MOD, LT, JZ, JMP, PRINT, DUP, SWAP, HALT, CALL, RET };

static const char *opnames[] = {"PUSH", "LOAD", "STORE", "ADD", "SUB", "MUL", "DIV", "MOD", "LT",
				"JZ",   "JMP",  "PRINT", "DUP", "SWAP", "HALT", "CALL", "RET"};

typedef struct {
	int64_t stack[256];
	int sp;
	int64_t vars[16];
	int rstack[64];
	int rsp;
	uint64_t steps;
	uint64_t outhash;
} vm;

static void out(vm *m, int64_t v, int print)
{
	m->outhash = (m->outhash ^ (uint64_t)v) * 1099511628211ULL;
	if (print)
		printf("  out %lld\n", (long long)v);
}

static int run_switch(vm *m, const int64_t *code, int print)
{
	int pc = 0;
	for (;;) {
		m->steps++;
		int64_t a, b;
		switch ((enum op)code[pc++]) {
		case PUSH:
			m->stack[m->sp++] = code[pc++];
			break;
		case LOAD:
			m->stack[m->sp++] = m->vars[code[pc++]];
			break;
		case STORE:
			m->vars[code[pc++]] = m->stack[--m->sp];
			break;
		case ADD:
			b = m->stack[--m->sp], a = m->stack[--m->sp];
			m->stack[m->sp++] = a + b;
			break;
		case SUB:
			b = m->stack[--m->sp], a = m->stack[--m->sp];
			m->stack[m->sp++] = a - b;
			break;
		case MUL:
			b = m->stack[--m->sp], a = m->stack[--m->sp];
			m->stack[m->sp++] = a * b;
			break;
		case DIV:
			b = m->stack[--m->sp], a = m->stack[--m->sp];
			m->stack[m->sp++] = b ? a / b : 0;
			break;
		case MOD:
			b = m->stack[--m->sp], a = m->stack[--m->sp];
			m->stack[m->sp++] = b ? a % b : 0;
			break;
		case LT:
			b = m->stack[--m->sp], a = m->stack[--m->sp];
			m->stack[m->sp++] = a < b;
			break;
		case JZ:
			a = m->stack[--m->sp];
			if (!a)
				pc = (int)code[pc];
			else
				pc++;
			break;
		case JMP:
			pc = (int)code[pc];
			break;
		case PRINT:
			out(m, m->stack[--m->sp], print);
			break;
		case DUP:
			m->stack[m->sp] = m->stack[m->sp - 1];
			m->sp++;
			break;
		case SWAP:
			a = m->stack[m->sp - 1];
			m->stack[m->sp - 1] = m->stack[m->sp - 2];
			m->stack[m->sp - 2] = a;
			break;
		case CALL:
			m->rstack[m->rsp++] = pc + 1;
			pc = (int)code[pc];
			break;
		case RET:
			pc = m->rstack[--m->rsp];
			break;
		case HALT:
			return 0;
		default:
			return -1;
		}
	}
}

static int run_goto(vm *m, const int64_t *code, int print)
{
	static void *tbl[] = {&&L_PUSH, &&L_LOAD, &&L_STORE, &&L_ADD, &&L_SUB, &&L_MUL, &&L_DIV, &&L_MOD, &&L_LT,
			      &&L_JZ,   &&L_JMP,  &&L_PRINT, &&L_DUP, &&L_SWAP, &&L_HALT, &&L_CALL, &&L_RET};
	int pc = 0;
	int64_t a, b;
#define NEXT                                                                                                           \
	do {                                                                                                           \
		m->steps++;                                                                                            \
		goto *tbl[code[pc++]];                                                                                 \
	} while (0)
	NEXT;
L_PUSH:
	m->stack[m->sp++] = code[pc++];
	NEXT;
L_LOAD:
	m->stack[m->sp++] = m->vars[code[pc++]];
	NEXT;
L_STORE:
	m->vars[code[pc++]] = m->stack[--m->sp];
	NEXT;
L_ADD:
	b = m->stack[--m->sp], a = m->stack[--m->sp];
	m->stack[m->sp++] = a + b;
	NEXT;
L_SUB:
	b = m->stack[--m->sp], a = m->stack[--m->sp];
	m->stack[m->sp++] = a - b;
	NEXT;
L_MUL:
	b = m->stack[--m->sp], a = m->stack[--m->sp];
	m->stack[m->sp++] = a * b;
	NEXT;
L_DIV:
	b = m->stack[--m->sp], a = m->stack[--m->sp];
	m->stack[m->sp++] = b ? a / b : 0;
	NEXT;
L_MOD:
	b = m->stack[--m->sp], a = m->stack[--m->sp];
	m->stack[m->sp++] = b ? a % b : 0;
	NEXT;
L_LT:
	b = m->stack[--m->sp], a = m->stack[--m->sp];
	m->stack[m->sp++] = a < b;
	NEXT;
L_JZ:
	a = m->stack[--m->sp];
	pc = a ? pc + 1 : (int)code[pc];
	NEXT;
L_JMP:
	pc = (int)code[pc];
	NEXT;
L_PRINT:
	out(m, m->stack[--m->sp], print);
	NEXT;
L_DUP:
	m->stack[m->sp] = m->stack[m->sp - 1];
	m->sp++;
	NEXT;
L_SWAP:
	a = m->stack[m->sp - 1];
	m->stack[m->sp - 1] = m->stack[m->sp - 2];
	m->stack[m->sp - 2] = a;
	NEXT;
L_CALL:
	m->rstack[m->rsp++] = pc + 1;
	pc = (int)code[pc];
	NEXT;
L_RET:
	pc = m->rstack[--m->rsp];
	NEXT;
L_HALT:
	return 0;
#undef NEXT
}

/* sum of i*i mod 7 for i < 30000, printing the partial sum at every
 * multiple of 5000 (the numbers on the right are code offsets) */
static const int64_t prog_loop[] = {
	PUSH, 0, STORE, 0,                                           /* 0: i = 0 */
	PUSH, 0, STORE, 1,                                           /* 4: s = 0 */
	LOAD, 0, PUSH, 30000, LT, JZ, 49,                            /* 8: while i < 30000 */
	LOAD, 1, LOAD, 0, LOAD, 0, MUL, PUSH, 7, MOD, ADD, STORE, 1, /* 15: s += i*i%7 */
	LOAD, 0, PUSH, 5000, MOD, JZ, 44,                            /* 28: if i%5000 == 0 goto 44 */
	LOAD, 0, PUSH, 1, ADD, STORE, 0, JMP, 8,                     /* 35: i++ */
	LOAD, 1, PRINT, JMP, 35,                                     /* 44: print s */
	LOAD, 1, PRINT, HALT,                                        /* 49 */
};

/* fibonacci numbers through a subroutine */
static const int64_t prog_fib[] = {
	PUSH, 1, STORE, 2,                                     /* 0: n = 1 */
	LOAD, 2, PUSH, 90, LT, JZ, 23,                         /* 4: while n < 90 */
	CALL, 24,                                              /* 11 */
	PRINT,                                                 /* 13 */
	LOAD, 2, PUSH, 7, ADD, STORE, 2, JMP, 4,               /* 14: n += 7 */
	HALT,                                                  /* 23 */
	PUSH, 0, STORE, 3, PUSH, 1, STORE, 4, LOAD, 2, STORE, 5, /* 24: fib(n): a=0 b=1 k=n */
	LOAD, 5, JZ, 59,                                       /* 36: while k */
	LOAD, 4, DUP, LOAD, 3, ADD, STORE, 4, STORE, 3,        /* 40: a, b = b, a+b */
	LOAD, 5, PUSH, 1, SUB, STORE, 5, JMP, 36,              /* 50: k-- */
	LOAD, 3, RET,                                          /* 59 */
};

/* tokenizer state machine */
enum st { S_START, S_IDENT, S_NUM, S_FLOAT, S_STR, S_OP, S_SPACE };
static unsigned tokcount[7];

static void tokenize(const char *s, uint64_t *h)
{
	enum st st = S_START;
	size_t start = 0;
	for (size_t i = 0;; i++) {
		char c = s[i];
		enum st next;
		if (st == S_STR) {
			if (c == '"' || c == 0) {
				tokcount[S_STR]++;
				*h = (*h ^ (i - start)) * 1099511628211ULL;
				st = S_START;
				if (!c)
					break;
				continue;
			}
			continue;
		}
		if (isalpha((unsigned char)c) || c == '_')
			next = (st == S_IDENT) ? S_IDENT : S_IDENT;
		else if (isdigit((unsigned char)c))
			next = (st == S_IDENT) ? S_IDENT : (st == S_FLOAT ? S_FLOAT : S_NUM);
		else if (c == '.' && st == S_NUM)
			next = S_FLOAT;
		else if (c == '"')
			next = S_STR;
		else if (isspace((unsigned char)c))
			next = S_SPACE;
		else if (c == 0)
			next = S_START;
		else
			next = S_OP;
		if (next != st || next == S_OP) {
			if (st != S_START) {
				tokcount[st]++;
				*h = (*h ^ ((i - start) * 8 + st)) * 1099511628211ULL;
			}
			start = i;
			st = next;
		}
		if (!c)
			break;
	}
}

int main(void)
{
	vm m;
	memset(&m, 0, sizeof m);
	m.outhash = 1469598103934665603ULL;
	printf("loop (switch):\n");
	run_switch(&m, prog_loop, 1);
	printf("  steps %llu hash %016llx\n", (unsigned long long)m.steps, (unsigned long long)m.outhash);
	memset(&m, 0, sizeof m);
	m.outhash = 1469598103934665603ULL;
	printf("loop (goto):\n");
	run_goto(&m, prog_loop, 0);
	printf("  steps %llu hash %016llx\n", (unsigned long long)m.steps, (unsigned long long)m.outhash);
	memset(&m, 0, sizeof m);
	printf("fib (switch):\n");
	run_switch(&m, prog_fib, 1);
	printf("  steps %llu\n", (unsigned long long)m.steps);
	memset(&m, 0, sizeof m);
	run_goto(&m, prog_fib, 0);
	printf("fib (goto) steps %llu\n", (unsigned long long)m.steps);
	printf("opcodes: %s..%s\n", opnames[0], opnames[RET]);

	static char text[200000];
	uint32_t x = 7;
	size_t n = 0;
	static const char *words[] = {"while", "x1", "_tmp", "3.14159", "42", "\"a string\"", "+", "(", ")", "{", "}",
				      "==", "return", "0.5", "\"\"", "id_99", ";", "  ", "\n"};
	while (n < sizeof text - 32) {
		x = x * 1103515245u + 12345u;
		const char *w = words[(x >> 16) % (sizeof words / sizeof words[0])];
		size_t l = strlen(w);
		memcpy(text + n, w, l);
		n += l;
		text[n++] = ((x >> 8) & 3) ? ' ' : '\t';
	}
	text[n] = 0;
	uint64_t h = 1469598103934665603ULL;
	tokenize(text, &h);
	printf("tokens: ident %u num %u float %u str %u op %u space %u hash %016llx\n", tokcount[S_IDENT],
	       tokcount[S_NUM], tokcount[S_FLOAT], tokcount[S_STR], tokcount[S_OP], tokcount[S_SPACE],
	       (unsigned long long)h);
	return 0;
}
