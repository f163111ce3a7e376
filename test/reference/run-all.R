## Regenerate all R reference data for surveykit's tests.
## Run from the repository root:   Rscript test/reference/run-all.R
## Each script runs in a fresh R process (no state shared between topics).

ref_dir <- local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  d <- if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else file.path(getwd(), "test", "reference")
  if (!file.exists(file.path(d, "common.R"))) stop("run from the repository root: Rscript test/reference/run-all.R")
  d
})

scripts <- c("export-data.R", "replicate.R", "replicate-estimates.R", "replicate-ciprop-quantile.R",
             "designs.R", "lonely.R", "domain.R", "ciprop.R", "ciprop-extra.R",
             "quantile.R", "quantile-extra.R", "by.R", "by-extra.R", "table.R", "table-extra.R",
             "published.R", "weighting.R", "weighting-replicate.R", "weighting-domain.R", "multi.R",
             "poll.R", "estimators.R", "mutate.R", "tabs.R", "reliability.R",
             "models.R", "calibrate-large.R", "jackknife-rank.R")
rscript <- file.path(R.home("bin"), "Rscript")
for (s in scripts) {
  message("== ", s)
  status <- system2(rscript, shQuote(file.path(ref_dir, s)))
  if (!identical(status, 0L)) stop(s, " failed with status ", status)
}

## versions.json: the R and package versions the reference was produced with
suppressPackageStartupMessages({ library(survey); library(jsonlite) })
si <- sessionInfo()
pkg_version <- function(p) if (requireNamespace(p, quietly = TRUE)) as.character(packageVersion(p)) else NA
versions <- list(
  R = R.version.string,
  platform = si$platform,
  running = si$running,
  packages = list(survey = pkg_version("survey"), jsonlite = pkg_version("jsonlite"), haven = pkg_version("haven"),
                  Matrix = pkg_version("Matrix"), survival = pkg_version("survival"), CompQuadForm = pkg_version("CompQuadForm")),
  BLAS = if (is.null(si$BLAS)) NA else si$BLAS,
  LAPACK = if (is.null(si$LAPACK)) NA else si$LAPACK,
  locale = Sys.getlocale("LC_COLLATE"),
  sessionInfo = I(capture.output(print(si)))
)
write_json(versions, file.path(ref_dir, "versions.json"), digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null")
message("wrote ", file.path(ref_dir, "versions.json"))
