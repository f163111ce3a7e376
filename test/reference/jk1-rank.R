## JK1 degrees of freedom (degf(): the rank of the replicate weights, qr(tol = 1e-5), minus 1) of
## as.svrepdesign(type = "JK1"), for the rank surveykit finds from the replicates' structure:
## unclustered and clustered samples with ordinary, skewed and extremely unequal weights (where
## qr's tolerance drops columns), zero weights, domains (subset() recomputes degf), and 2,000 PSUs.
## The weights and PSUs are written into the JSON (generated here with a fixed seed).
source(local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  d <- if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else file.path(getwd(), "test", "reference")
  file.path(d, "common.R")
}))

set.seed(20261206)
one_case <- function(id, w, psu, domain = NULL) {
  df <- data.frame(w = w, psu = psu, y = seq_along(w))
  d <- svydesign(ids = ~psu, weights = ~w, data = df)
  r <- as.svrepdesign(d, type = "JK1")
  out <- list(id = id, weights = vec(w), psu = vec(psu), degf = degf(r))
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
  one_case("srs-2000", signif(exp(rnorm(2000, sd = 0.5)), 8), 1:2000, domain = 1:500)
)

write_ref(list(
  meta = meta("jk1-rank", "degf(as.svrepdesign(svydesign(ids = ~psu, weights = ~w, data), type = 'JK1')); domainDegf: degf(subset(r, psu %in% domain))"),
  cases = cases
), "jk1-rank")
