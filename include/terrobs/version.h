/* version.h (building block) - the library's version, for `terrobs --version`
 * and provenance records. */
#ifndef TERROBS_VERSION_H
#define TERROBS_VERSION_H

#include "terrobs/error.h"

/* "0.1.0"; static storage. */
TOB_API const char *tob_version(void);

#endif
