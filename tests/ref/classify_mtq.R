# classify_mtq.R - how the expected breaks of tests/test_classify.c were
# computed. Not run by ctest (R is not a build dependency); rerun by hand:
#   apt-get install r-cran-classint && Rscript tests/ref/classify_mtq.R
# equal, quantile, fisher, jenks and headtails come from classInt itself;
# q6, Q6, geom, em and msd are mapsf methods, written here from mapsf's
# documented definitions (mapsf is not packaged for Debian).
library(classInt)
med <- c(13633, 14558, 14456, 18847, 21005, 19704, 19341, 15151, 16927,
         15951, 13274, 14786, 18034, 13487, 13474, 14205, 15158, 15134,
         11929, 15274, 16504, 15989, 16417, 17817, 12973, 15420, 18397,
         13701, 21761, 16860, 19638, 14461, 18041, 16375)
p <- function(tag, v) cat(tag, paste(sprintf("%.17g", v), collapse = " "), "\n")
for (k in 2:7) {
  for (style in c("equal", "quantile", "fisher", "jenks"))
    p(paste0(style, k), classIntervals(med, k, style = style)$brks)
}
p("headtails", classIntervals(med, 5, style = "headtails")$brks)
p("headtails_thr0.6", classIntervals(med, 5, style = "headtails", thr = 0.6)$brks)
p("q6", quantile(med, probs = c(0, .05, .275, .5, .725, .95, 1), names = FALSE))
p("Q6", quantile(med, probs = c(0, .05, .25, .5, .75, .95, 1), names = FALSE))

geom <- function(x, k) {
  r <- exp((log(max(x)) - log(min(x))) / k)
  c(min(x), min(x) * r^(1:(k - 1)), max(x))
}
nested_means <- function(x, k) {
  b <- c(min(x), max(x))
  for (level in 1:log2(k)) {
    m <- c()
    for (i in 1:(length(b) - 1)) {
      inside <- if (i == 1) x >= b[i] & x <= b[i + 1] else x > b[i] & x <= b[i + 1]
      m <- c(m, mean(x[inside]))
    }
    b <- sort(c(b, m))
  }
  b
}
msd <- function(x, k, central) {
  m <- mean(x)
  step <- sqrt(sum((x - m)^2) / length(x)) * k   # population SD
  lo <- if (central) m - step / 2 else m
  hi <- if (central) m + step / 2 else m
  cand <- c(lo - (20:1) * step, lo, hi, hi + (1:20) * step)
  sort(unique(c(min(x), cand[cand > min(x) & cand < max(x)], max(x))))
}
for (k in 3:7) p(paste0("geom", k), geom(med, k))
for (k in c(2, 4, 8)) p(paste0("em", k), nested_means(med, k))
p("msd1", msd(med, 1, FALSE))
p("msd1_central", msd(med, 1, TRUE))
p("msd0.5", msd(med, 0.5, FALSE))
p("msd0.5_central", msd(med, 0.5, TRUE))

x <- c(1, 2, 2, 3, 10, 11, 12, 30)
for (k in 3:4) {
  for (style in c("quantile", "fisher", "jenks"))
    p(paste0("small_", style, k), classIntervals(x, k, style = style)$brks)
}
