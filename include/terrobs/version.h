/* version.h - the library's version, for `terrobs --version` and
 * provenance records. */
#ifndef TERROBS_VERSION_H
#define TERROBS_VERSION_H

/* "0.1.0"; static storage. */
const char *tob_version(void);

#endif
