/* palette_internal.h - the colour tables palette.c serves, defined in the
 * generated files palette_brewer.c and palette_maps.c. */
#ifndef TERROBS_PALETTE_INTERNAL_H
#define TERROBS_PALETTE_INTERNAL_H

#include "terrobs/palette.h"

#include <stddef.h>
#include <stdint.h>

typedef struct tob_palette_def {
    tob_palette_info_t info;
    /* ColorBrewer: the schemes for 3, 4, ..., max colours one after the
     * other; colour maps: the 256 anchors. 0xRRGGBB. */
    const uint32_t *colors;
    int is_map; /* 1 for a colour map sampled from anchors */
} tob_palette_def_t;

extern const tob_palette_def_t palette_brewer[];
extern const size_t palette_n_brewer;
extern const tob_palette_def_t palette_maps[];
extern const size_t palette_n_maps;

#endif
