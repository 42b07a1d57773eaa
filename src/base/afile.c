/* afile.c - files written whole or not at all. */
#include "afile.h"

#include <stdio.h>
#include <string.h>

void afile_temp_name(const char *path, char *buf, size_t size)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    if (dot == NULL || (slash != NULL && dot < slash) || dot == path)
        snprintf(buf, size, "%s.tmp", path);
    else
        snprintf(buf, size, "%.*s.tmp%s", (int)(dot - path), path, dot);
}
