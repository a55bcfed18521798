/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ucall: how guest code talks to its test. The guest fills a struct ucall
 * on its stack and executes "out %eax, $MHV_UCALL_PORT" with RDI pointing
 * at it; guest memory is identity mapped, so the host finds the struct at
 * the same offset in its own mapping of the slot.
 */
#ifndef MHV_SELFTEST_UCALL_H
#define MHV_SELFTEST_UCALL_H

#include "processor.h"

#define MHV_UCALL_PORT		0xe0

enum {
	UCALL_NONE,		/* the exit was not a ucall */
	UCALL_SYNC,		/* GUEST_SYNC: args[] hold values */
	UCALL_ABORT,		/* GUEST_ASSERT failed: file, line, expr, args */
	UCALL_DONE,		/* GUEST_DONE */
	UCALL_UNHANDLED,	/* an exception without a handler: vector, error, rip */
};

#define UCALL_MAX_ARGS		4

struct ucall {
	u64 cmd;
	u64 args[UCALL_MAX_ARGS];
	u64 nargs;		/* UCALL_ABORT: how many of args[] to print */
	u64 file;		/* guest address of a string */
	u64 expr;		/* guest address of a string */
	u64 line;
};

/* Guest: fills a struct ucall and exits to the host (lib/ucall.c). */
void ucall(u64 cmd, u64 a0, u64 a1, u64 a2, u64 a3);
noreturn void ucall_assert(const char *file, u64 line, const char *expr,
			   u64 nargs, u64 a0, u64 a1);

#define GUEST_SYNC(arg)			ucall(UCALL_SYNC, (arg), 0, 0, 0)
#define GUEST_SYNC_ARGS(a0, a1, a2, a3)	\
	ucall(UCALL_SYNC, (a0), (a1), (a2), (a3))
#define GUEST_DONE()			ucall(UCALL_DONE, 0, 0, 0, 0)

#define GUEST_ASSERT(cond) do {						\
	if (!(cond))							\
		ucall_assert(__FILE__, __LINE__, #cond, 0, 0, 0);	\
} while (0)

/* Prints both values when it fails. */
#define GUEST_ASSERT_EQ(a, b) do {					\
	u64 __ga = (u64)(a), __gb = (u64)(b);				\
	if (__ga != __gb)						\
		ucall_assert(__FILE__, __LINE__, #a " == " #b, 2,	\
			     __ga, __gb);				\
} while (0)

#endif /* MHV_SELFTEST_UCALL_H */
