/*
 * Switchboard native shim: the few things Java cannot do for itself.
 *
 * Every function returns 0 (or a non-negative count) on success and -errno on
 * failure, so that Java can raise an exception naming the call and the error.
 * Addresses cross the boundary as 64-bit integers: the Java side passes
 * base + offset without allocating a MemorySegment slice on the hot path.
 *
 * The memory layout of the segment lives in Java (java/ipc); this shim knows
 * nothing of it.
 */
#ifndef _SB_SHIM_H_INCLUDED_
#define _SB_SHIM_H_INCLUDED_

#include <stdint.h>

#define SB_EXPORT __attribute__((visibility("default")))

/* shared memory: sb_shm.c; create reserves every page (posix_fallocate): -ENOSPC when /dev/shm lacks room */
SB_EXPORT int sb_shm_create(const char *name, uint64_t length, uint64_t *address_out);
SB_EXPORT int sb_shm_open(const char *name, uint64_t *length_out, uint64_t *address_out);
SB_EXPORT int sb_shm_unmap(uint64_t address, uint64_t length);
SB_EXPORT int sb_shm_unlink(const char *name);

/* futex on shared (not private) 32-bit words: sb_futex.c */
SB_EXPORT int sb_futex_wait(uint64_t address, uint32_t expected, int64_t timeout_ns);
SB_EXPORT int sb_futex_wake(uint64_t address, int32_t count);

/* processes: sb_proc.c */
SB_EXPORT int64_t sb_proc_start_time(int32_t pid);
SB_EXPORT int sb_proc_set_parent_death_signal(int32_t signal);
SB_EXPORT int32_t sb_proc_self_pid(void);

/* errors: sb_error.c */
SB_EXPORT const char *sb_error_text(int32_t error_number);

#endif /* _SB_SHIM_H_INCLUDED_ */
