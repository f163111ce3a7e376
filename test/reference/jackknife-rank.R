## Jackknife degrees of freedom (degf(): the rank of the replicate weights, qr(tol = 1e-5), minus
## 1) of as.svrepdesign(type = "JK1") and (type = "JKn"), for the rank surveykit finds from the
## replicates' structure: unclustered and clustered samples with ordinary, skewed and extremely
## unequal weights (where qr's tolerance drops columns), zero weights, domains (subset()
## recomputes degf), strata of 2 to 300 PSUs, a stratum with a dominant weight, a fully sampled
## stratum (fpc), and 2,000 PSUs. The weights, PSUs, strata and fpc are written into the JSON
## (generated here with a fixed seed).
source(local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  d <- if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else file.path(getwd(), "test", "reference")
  file.path(d, "common.R")
}))

set.seed(20261206)
one_case <- function(id, w, psu, domain = NULL, strata = NULL, fpc = NULL) {
  df <- data.frame(w = w, psu = psu, y = seq_along(w))
  if (!is.null(strata)) df$strata <- strata
  if (!is.null(fpc)) df$fpc <- fpc
  d <- svydesign(ids = ~psu, weights = ~w, data = df,
                 strata = if (is.null(strata)) NULL else ~strata,
                 fpc = if (is.null(fpc)) NULL else ~fpc)
  r <- as.svrepdesign(d, type = if (is.null(strata)) "JK1" else "JKn")
  out <- list(id = id, type = r$type, weights = vec(w), psu = vec(psu), degf = degf(r),
              strata = if (is.null(strata)) NA else vec(strata),
              fpc = if (is.null(fpc)) NA else vec(fpc))
  if (!is.null(domain)) {
    out$domain <- vec(domain)
    out$domainDegf <- degf(subset(r, psu %in% domain))
  }
  out
}
skewed <- signif(exp(rnorm(300, sd = 1)), 8)
huge <- skewed
huge[c(5, 77, 201)] <- huge[c(5, 77, 201)] * 1e7
tiny <- skewed
tiny[c(3, 150)] <- tiny[c(3, 150)] * 1e-7
dominant <- rep(1, 40)
dominant[7] <- 1e6
clustered_w <- signif(exp(rnorm(600, sd = 0.7)), 8)
clustered_psu <- rep(1:120, each = 5)
zero_w <- clustered_w
zero_w[clustered_psu %in% c(4, 9)] <- 0
cases <- list(
  one_case("srs-300-skewed", skewed, 1:300, domain = 1:80),
  one_case("srs-300-huge", huge, 1:300, domain = c(1:10, 77)),
  one_case("srs-300-tiny", tiny, 1:300),
  one_case("srs-40-dominant", dominant, 1:40, domain = c(6, 7, 8)),
  one_case("clustered-120", clustered_w, clustered_psu, domain = 1:30),
  one_case("clustered-120-zero-psus", zero_w, clustered_psu),
  one_case("srs-2000", signif(exp(rnorm(2000, sd = 0.5)), 8), 1:2000, domain = 1:500),
  one_case("jkn-pairs-150", clustered_w[1:300], 1:300, strata = rep(1:150, each = 2),
           domain = 1:100),
  one_case("jkn-6-strata", skewed, 1:300, strata = rep(1:6, times = c(2, 3, 45, 100, 120, 30)),
           domain = c(1:20, 200:210)),
  one_case("jkn-huge", huge, 1:300, strata = rep(1:4, each = 75), domain = c(1:10, 77, 150:160)),
  one_case("jkn-dominant", c(dominant, dominant), 1:80, strata = rep(1:2, each = 40)),
  one_case("jkn-clustered-zero", zero_w, clustered_psu, strata = rep(1:8, each = 75)),
  one_case("jkn-census-stratum", skewed[1:60], 1:60, strata = rep(1:3, each = 20),
           fpc = rep(c(20, 100, 1000), each = 20)),
  one_case("jkn-2000", signif(exp(rnorm(2000, sd = 0.5)), 8), 1:2000,
           strata = rep(1:7, times = c(100, 200, 300, 400, 500, 250, 250)), domain = 1:700)
)

write_ref(list(
  meta = meta("jackknife-rank", "degf(as.svrepdesign(svydesign(ids = ~psu, strata = ~strata, fpc = ~fpc, weights = ~w, data), type = 'JK1' or 'JKn')); domainDegf: degf(subset(r, psu %in% domain))"),
  cases = cases
), "jackknife-rank")
