/* afile.h - files written whole or not at all: every output is written under
 * a temporary name in its own folder and renamed into place once complete.
 * Library-internal. */
#ifndef TERROBS_BASE_AFILE_H
#define TERROBS_BASE_AFILE_H

#include <stddef.h>

/* The name a file is written under before it is renamed to path: the
 * extension kept last ("a.pdf" -> "a.tmp.pdf") so that libraries that choose
 * a format by extension (GDAL) still see it. */
void afile_temp_name(const char *path, char *buf, size_t size);

#endif
