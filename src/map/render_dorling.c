/* render_dorling.c - non-overlapping proportional circles (Dorling's
 * cartogram, as Magrit and cartogram::cartogram_dorling draw it): circles
 * keep their size and move apart from their place just enough not to
 * overlap, each pulled back towards its territory between rounds. The
 * moves are offsets in mm (rfeat_t.off_x, off_y), which labels follow. */
#include "render_internal.h"

#include <math.h>
#include <stdlib.h>

#define GAP_MM 0.25    /* between two circles that touch */
#define MAX_ROUNDS 600 /* of repulsion; the last ones without the pull */
#define PULL 0.04      /* share of its offset a circle loses per round */
#define CONVERGED 0.01 /* mm: the largest overlap left */

typedef struct disc {
    rfeat_t *f;
    double x, y, r; /* page mm, relative to the view's origin */
} disc_t;

/* One round: every overlapping pair pushed apart, the larger circle less
 * (by the other's share of their areas). Returns the largest overlap. */
static double push_apart(disc_t *d, size_t n)
{
    double worst = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            double dx = d[j].x - d[i].x, dy = d[j].y - d[i].y;
            double dist = hypot(dx, dy), need = d[i].r + d[j].r + GAP_MM;
            if (dist >= need)
                continue;
            worst = fmax(worst, need - dist);
            if (dist < 1e-9) { /* same place: split along x */
                dx = 1, dy = 0, dist = 1;
            }
            double a2 = d[i].r * d[i].r, b2 = d[j].r * d[j].r;
            double move = need - dist, wi = b2 / (a2 + b2), wj = 1 - wi;
            d[i].x -= dx / dist * move * wi, d[i].y -= dy / dist * move * wi;
            d[j].x += dx / dist * move * wj, d[j].y += dy / dist * move * wj;
        }
    return worst;
}

void render_spread_circles(render_t *r, const rview_t *v, int view)
{
    size_t n = 0;
    disc_t *d = malloc((r->feats.n + 1) * sizeof *d);
    if (d == NULL)
        return;                /* circles stay in place */
    double mm = v->t.s / r->u; /* map units -> mm */
    for (size_t i = 0; i < r->feats.n; i++) {
        rfeat_t *f = &r->feats.items[i];
        if (f->view != view || !(f->radius > 0) || isnan(f->ax))
            continue;
        d[n++] = (disc_t){f, f->ax * mm, -f->ay * mm, f->radius};
    }
    double *x0 = malloc((n + 1) * 2 * sizeof *x0);
    if (x0 == NULL) {
        free(d);
        return;
    }
    for (size_t i = 0; i < n; i++)
        x0[2 * i] = d[i].x, x0[2 * i + 1] = d[i].y;
    for (int round = 0; round < MAX_ROUNDS; round++) {
        double worst = push_apart(d, n);
        if (worst < CONVERGED)
            break;
        if (round < MAX_ROUNDS / 2) /* then only apart, to converge */
            for (size_t i = 0; i < n; i++) {
                d[i].x -= (d[i].x - x0[2 * i]) * PULL;
                d[i].y -= (d[i].y - x0[2 * i + 1]) * PULL;
            }
    }
    for (size_t i = 0; i < n; i++) {
        d[i].f->off_x = d[i].x - x0[2 * i];
        d[i].f->off_y = d[i].y - x0[2 * i + 1];
    }
    free(x0);
    free(d);
}
