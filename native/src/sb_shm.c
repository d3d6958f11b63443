/*
 * POSIX shared memory: create (exclusive, mode 0600), open, unmap, unlink.
 *
 * A segment is created with all its pages reserved (posix_fallocate): a
 * /dev/shm too small for it (a container's 64 MiB default) fails the create
 * with ENOSPC, instead of a SIGBUS in whichever process first touches a page
 * that tmpfs cannot supply, under load, long after the start.
 *
 * The file descriptor is closed as soon as the mapping exists: the mapping
 * keeps the object alive, and no descriptor leaks into child processes.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sb_shim.h"

static int
sb_shm_map_fd(int fd, uint64_t length, uint64_t *address_out)
{
    void  *address;

    address = mmap(NULL, (size_t) length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (address == MAP_FAILED) {
        return -errno;
    }

    *address_out = (uint64_t) (uintptr_t) address;
    return 0;
}

int
sb_shm_create(const char *name, uint64_t length, uint64_t *address_out)
{
    int  fd, rc;

    if (length == 0) {
        return -EINVAL;
    }

    fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (fd == -1) {
        return -errno;
    }

    if (ftruncate(fd, (off_t) length) == -1) {
        rc = -errno;
        goto fail_unlink;
    }

    /* returns the error number itself, errno untouched; a signal may interrupt a large reservation */
    do {
        rc = posix_fallocate(fd, 0, (off_t) length);
    } while (rc == EINTR);

    if (rc != 0) {
        rc = -rc;
        goto fail_unlink;
    }

    rc = sb_shm_map_fd(fd, length, address_out);
    if (rc != 0) {
        goto fail_unlink;
    }

    close(fd);
    return 0;

fail_unlink:
    close(fd);
    shm_unlink(name);
    return rc;
}

int
sb_shm_open(const char *name, uint64_t *length_out, uint64_t *address_out)
{
    int          fd, rc;
    struct stat  st;

    fd = shm_open(name, O_RDWR | O_CLOEXEC, 0);
    if (fd == -1) {
        return -errno;
    }

    if (fstat(fd, &st) == -1) {
        rc = -errno;
        goto fail;
    }

    if (st.st_size <= 0) {
        rc = -ENODATA;
        goto fail;
    }

    rc = sb_shm_map_fd(fd, (uint64_t) st.st_size, address_out);
    if (rc != 0) {
        goto fail;
    }

    *length_out = (uint64_t) st.st_size;
    close(fd);
    return 0;

fail:
    close(fd);
    return rc;
}

int
sb_shm_unmap(uint64_t address, uint64_t length)
{
    if (munmap((void *) (uintptr_t) address, (size_t) length) == -1) {
        return -errno;
    }

    return 0;
}

int
sb_shm_unlink(const char *name)
{
    if (shm_unlink(name) == -1) {
        return -errno;
    }

    return 0;
}
