## Extra svyciprop references for test/estimate/ciprop.test.ts (cases ciprop.json does not cover):
## other levels (0.8, 0.99), an explicit df, rare and zero proportions, proportions near 1,
## designs without fpc, with fractions, nested strata, a domain missing whole PSUs.
## Run from the repository root: Rscript test/reference/ciprop-extra.R  -> ciprop-extra.json
source(file.path(local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
}), "common.R"))

methods <- c("logit", "likelihood", "asin", "beta", "mean", "xlogit")

## indicator: the proportion of rows with `var op value` (R: svyciprop(~I(var op value), ...))
targets <- list(
  list(design = "dclus1", subset = NULL, indicator = cond("stype", "==", "E")),
  list(design = "dclus1_nofpc", subset = NULL, indicator = cond("sch.wide", "==", "Yes")),
  list(design = "dclus1", subset = NULL, indicator = cond("api00", ">", 900)),
  list(design = "dclus1", subset = NULL, indicator = cond("api00", ">", 450)),
  list(design = "dstrat_nofpc", subset = NULL, indicator = cond("awards", "==", "No")),
  list(design = "dclus2_frac", subset = NULL, indicator = cond("stype", "==", "M")),
  list(design = "dclus2", subset = list(cond("stype", "==", "H")), indicator = cond("awards", "==", "Yes")),
  list(design = "dfpc_fpc", subset = NULL, indicator = cond("x", ">", 3)),
  list(design = "dmu284", subset = NULL, indicator = cond("y1", ">", 60)),
  list(design = "dpoll", subset = list(cond("region", "==", "North"), cond("support", "notNA")),
       indicator = cond("support", "==", 1))
)

cases <- list()
for (tg in targets) {
  d <- apply_subset(make_design(tg$design), tg$subset)
  dexpr <- if (is.null(tg$subset)) tg$design else sprintf("subset(%s, %s)", tg$design, subset_rexpr(tg$subset))
  fexpr <- sprintf("~I(%s)", subset_rexpr(list(tg$indicator)))
  f <- as.formula(fexpr)
  for (m in methods) for (lev in c(0.8, 0.99)) for (df in list(NA, 5, Inf)) {
    args <- list(f, d, method = m, level = lev)
    if (!is.na(df)) args$df <- df
    r <- tryCatch(suppressWarnings(do.call(svyciprop, args)), error = function(e) e)
    if (inherits(r, "error")) stop(fexpr, " ", m, ": ", conditionMessage(r))
    cases[[length(cases) + 1]] <- list(
      id = sprintf("%s-%s-%s-%g-%s", dexpr, fexpr, m, lev * 100, if (is.na(df)) "dfdegf" else paste0("df", df)),
      design = tg$design,
      subset = if (is.null(tg$subset)) NA else tg$subset,
      indicator = tg$indicator,
      call = sprintf("svyciprop(%s, %s, method=\"%s\", level=%g%s)", fexpr, dexpr, m, lev,
                     if (is.na(df)) "" else sprintf(", df=%g", df)),
      method = m, level = lev,
      df = if (is.na(df)) NA else if (is.infinite(df)) "Inf" else df,
      degf = degf(d), nrow = nrow(d),
      estimate = unname(as.numeric(r)),
      se = sqrt(as.numeric(attr(r, "var"))),
      ci = I(unname(as.numeric(attr(r, "ci"))))
    )
  }
}

## A proportion of 0 (no school above 950): R's glm does not converge (logit gives a tiny interval
## away from 0, likelihood stops with "profiling has found a better solution"); asin, beta and
## xlogit give NaN, mean gives [0, 0].
zero <- list()
dz <- make_design("dclus1")
for (m in methods) {
  r <- tryCatch(suppressWarnings(svyciprop(~I(api00 > 950), dz, method = m)), error = function(e) e)
  zero[[length(zero) + 1]] <- list(
    method = m,
    call = sprintf("svyciprop(~I(api00 > 950), dclus1, method=\"%s\")", m),
    error = if (inherits(r, "error")) conditionMessage(r) else NA,
    estimate = if (inherits(r, "error")) NA else unname(as.numeric(r)),
    ci = if (inherits(r, "error")) NA else I(unname(as.numeric(attr(r, "ci"))))
  )
}

out <- list(
  meta = meta("ciprop-extra", notes = c(
    "df null: R's default degf(design); otherwise svyciprop(..., df = df)",
    "ci = [lower, upper]; null = NaN/NA in R",
    "zeroProportion: svyciprop(~I(api00 > 950), dclus1) for each method (error = R's error message)"
  )),
  designs = specs_json(sapply(targets, `[[`, "design")),
  cases = cases,
  zeroProportion = zero
)
write_ref(out, "ciprop-extra")
