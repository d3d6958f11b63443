/*
 * futex wait and wake on 32-bit words in a MAP_SHARED mapping.
 *
 * The operations are the shared (not FUTEX_PRIVATE_FLAG) ones: the kernel keys
 * the wait queue on the physical page, so a waiter in one process is woken by
 * a waker in another.
 */
#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sb_shim.h"

#define SB_NANOS_PER_SECOND  1000000000LL

/*
 * Sleeps while *address == expected, for at most timeout_ns (a negative timeout
 * waits without limit; callers in Switchboard always give one).
 *
 * Returns 0 when woken (or spuriously), -EAGAIN when the word no longer held
 * the expected value, -ETIMEDOUT on timeout, -EINTR on a signal.
 */
int
sb_futex_wait(uint64_t address, uint32_t expected, int64_t timeout_ns)
{
    long             rc;
    struct timespec  timeout, *timeout_p;

    timeout_p = NULL;

    if (timeout_ns >= 0) {
        timeout.tv_sec = (time_t) (timeout_ns / SB_NANOS_PER_SECOND);
        timeout.tv_nsec = (long) (timeout_ns % SB_NANOS_PER_SECOND);
        timeout_p = &timeout;
    }

    rc = syscall(SYS_futex, (uint32_t *) (uintptr_t) address, FUTEX_WAIT, expected,
                 timeout_p, NULL, 0);
    if (rc == -1) {
        return -errno;
    }

    return 0;
}

/* Wakes up to count waiters; returns how many were woken. */
int
sb_futex_wake(uint64_t address, int32_t count)
{
    long  rc;

    rc = syscall(SYS_futex, (uint32_t *) (uintptr_t) address, FUTEX_WAKE, count,
                 NULL, NULL, 0);
    if (rc == -1) {
        return -errno;
    }

    return (int) rc;
}
