/* smooth.h - (building block) the computations of potential and grid
 * maps, pure and testable alone: Stewart's potential of masses at the
 * points of a regular grid, and the cells of square or hexagonal grids.
 * No I/O, no global state, any thread. Distances are in the CRS's units
 * (metres for the projected CRS maps are drawn in). */
#ifndef TERROBS_MAP_SMOOTH_H
#define TERROBS_MAP_SMOOTH_H

#include <stddef.h>

/* The interaction functions of the R package potential and of Magrit: the
 * exponential exp(-alpha d^beta), alpha = ln 2 / span^beta (gaussian when
 * beta = 2), and pareto (1 + alpha d)^-beta, alpha = (2^(1/beta) - 1) /
 * span; both equal 1/2 at d = span. */
typedef enum smooth_function {
    SMOOTH_EXPONENTIAL,
    SMOOTH_PARETO
} smooth_function_t;

typedef struct smooth_params {
    smooth_function_t function;
    double span, beta;
} smooth_params_t;

/* A territory's mass at its point: num (a count), den (the denominator of
 * a ratio, NaN when there is none). */
typedef struct smooth_mass {
    double x, y, num, den;
} smooth_mass_t;

/* nx * ny points; point (i, j) at (x0 + i step, y0 - j step): row 0 is
 * the northernmost, as in a raster. */
typedef struct smooth_grid {
    double x0, y0, step;
    size_t nx, ny;
} smooth_grid_t;

/* The interaction at distance d (1 at d = 0, 1/2 at d = span). */
double smooth_interaction(const smooth_params_t *p, double d);

/* num[j * nx + i] = sum over masses of num * interaction(distance), and
 * likewise den when den is not NULL; masses whose num (or, with den, den)
 * is NaN are left out of both. */
void smooth_potential(const smooth_mass_t *masses, size_t n,
                      const smooth_params_t *p, const smooth_grid_t *g,
                      double *num, double *den);

/* The cells of a grid covering box (xmin, ymin, xmax, ymax), size being
 * the side of a square or the width of a hexagon from flat side to flat
 * side (pointy-topped hexagons, every other row shifted by half a width).
 * Cell c's ring (closed: first vertex repeated) is written to xy, 5 or 7
 * (x, y) pairs; returns 0, or -1 when c is past the last cell. */
typedef struct smooth_cells {
    int hexagon;
    double size;
    double x0, y0; /* centre of cell (0, 0) */
    double dx, dy; /* between centres of a row, and between rows */
    size_t nx, ny;
} smooth_cells_t;

void smooth_cells_cover(smooth_cells_t *c, int hexagon, double size,
                        const double box[4]);
size_t smooth_cells_count(const smooth_cells_t *c);
int smooth_cell_ring(const smooth_cells_t *c, size_t cell, double xy[14],
                     size_t *n_points);

#endif
