#include <string.h>

#include "sb_shim.h"

/* A static, thread-safe description of an errno value (glibc 2.32 or newer). */
const char *
sb_error_text(int32_t error_number)
{
    const char  *text;

    text = strerrordesc_np(error_number);

    return text != NULL ? text : "Unknown error";
}
