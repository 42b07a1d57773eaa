/* smooth.c - Stewart's potential on a grid and the cells of square or
 * hexagonal grids (see smooth.h). */
#include "smooth.h"

#include <math.h>

static double alpha_of(const smooth_params_t *p)
{
    if (p->function == SMOOTH_PARETO)
        return (pow(2, 1 / p->beta) - 1) / p->span;
    return log(2) / pow(p->span, p->beta);
}

static double interaction(smooth_function_t fn, double alpha, double beta,
                          double d)
{
    if (fn == SMOOTH_PARETO)
        return pow(1 + alpha * d, -beta);
    /* beta = 2 (the gaussian) is the usual case: no pow() of a root. */
    if (beta == 2)
        return exp(-alpha * d * d);
    return exp(-alpha * pow(d, beta));
}

double smooth_interaction(const smooth_params_t *p, double d)
{
    return interaction(p->function, alpha_of(p), p->beta, d);
}

void smooth_potential(const smooth_mass_t *masses, size_t n,
                      const smooth_params_t *p, const smooth_grid_t *g,
                      double *num, double *den)
{
    double alpha = alpha_of(p);
    for (size_t j = 0; j < g->ny; j++) {
        double y = g->y0 - (double)j * g->step;
        for (size_t i = 0; i < g->nx; i++) {
            double x = g->x0 + (double)i * g->step, sn = 0, sd = 0;
            for (size_t k = 0; k < n; k++) {
                const smooth_mass_t *m = &masses[k];
                if (isnan(m->num) || (den != NULL && isnan(m->den)))
                    continue;
                double w = interaction(p->function, alpha, p->beta,
                                       hypot(x - m->x, y - m->y));
                sn += m->num * w;
                sd += den != NULL ? m->den * w : 0;
            }
            num[j * g->nx + i] = sn;
            if (den != NULL)
                den[j * g->nx + i] = sd;
        }
    }
}

void smooth_cells_cover(smooth_cells_t *c, int hexagon, double size,
                        const double box[4])
{
    c->hexagon = hexagon;
    c->size = size;
    c->dx = size;
    /* Rows of pointy-topped hexagons are 3/4 of a vertex-to-vertex height
     * (2 size / sqrt 3) apart. */
    c->dy = hexagon ? size * sqrt(3) / 2 : size;
    /* Cells aligned on multiples of their size: the same place gets the
     * same cells from one map to the next. */
    c->x0 = floor(box[0] / c->dx) * c->dx + c->dx / 2;
    c->y0 = floor(box[1] / c->dy) * c->dy + c->dy / 2;
    if (hexagon) { /* a shifted row or a row above/below may be needed */
        c->x0 -= c->dx;
        c->y0 -= c->dy;
    }
    c->nx = (size_t)ceil((box[2] - c->x0) / c->dx) + 1 + (hexagon ? 1 : 0);
    c->ny = (size_t)ceil((box[3] - c->y0) / c->dy) + 1;
}

size_t smooth_cells_count(const smooth_cells_t *c)
{
    return c->nx * c->ny;
}

int smooth_cell_ring(const smooth_cells_t *c, size_t cell, double xy[14],
                     size_t *n_points)
{
    if (cell >= c->nx * c->ny)
        return -1;
    size_t i = cell % c->nx, j = cell / c->nx;
    double cx = c->x0 + (double)i * c->dx, cy = c->y0 + (double)j * c->dy;
    if (!c->hexagon) {
        double h = c->size / 2;
        double ring[10] = {cx - h, cy - h, cx + h, cy - h, cx + h,
                           cy + h, cx - h, cy + h, cx - h, cy - h};
        for (int k = 0; k < 10; k++)
            xy[k] = ring[k];
        *n_points = 5;
        return 0;
    }
    if (j % 2 == 1)
        cx += c->dx / 2;
    double radius = c->size / sqrt(3); /* centre to vertex */
    for (int k = 0; k < 6; k++) {
        double a = (30.0 + 60.0 * k) * 3.14159265358979323846 / 180;
        xy[2 * k] = cx + radius * cos(a);
        xy[2 * k + 1] = cy + radius * sin(a);
    }
    xy[12] = xy[0];
    xy[13] = xy[1];
    *n_points = 7;
    return 0;
}
