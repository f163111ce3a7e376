## Extra svyciprop references for test/estimate/ciprop.test.ts (cases ciprop.json does not cover):
## other levels (0.8, 0.99), an explicit df, rare and zero proportions, proportions near 1,
## designs without fpc, with fractions, nested strata, a domain missing whole PSUs.
## Run from the repository root: Rscript test/reference/ciprop-extra.R  -> ciprop-extra.json
source(file.path(local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
}), "common.R"))

methods <- c("logit", "likelihood", "asin", "beta", "mean", "xlogit", "wilson")  # wilson: svyciprop_wilson (common.R)

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
    r <- tryCatch(suppressWarnings(do.call(ciprop_call, args)), error = function(e) e)
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
  r <- tryCatch(suppressWarnings(ciprop_call(~I(api00 > 950), dz, method = m)), error = function(e) e)
  zero[[length(zero) + 1]] <- list(
    method = m,
    call = sprintf("svyciprop(~I(api00 > 950), dclus1, method=\"%s\")", m),
    error = if (inherits(r, "error")) conditionMessage(r) else NA,
    estimate = if (inherits(r, "error")) NA else unname(as.numeric(r)),
    ci = if (inherits(r, "error")) NA else I(unname(as.numeric(attr(r, "ci"))))
  )
}

## Zero weights: apiclus1 with the weight of every 10th row set to 0 (R keeps such rows in the
## design with prob = Inf; svyglm's model frame and nrow() count them).
zw <- load_csv("apiclus1.csv")
zw$pw0 <- ifelse(seq_len(nrow(zw)) %% 10 == 0, 0, zw$pw)
dzw <- svydesign(id = ~dnum, weights = ~pw0, fpc = ~fpc, data = zw)
zeroWeights <- list()
for (sub in list(NULL, list(cond("stype", "!=", "E")))) {
  dd <- apply_subset(dzw, sub)
  f <- if (is.null(sub)) ~I(stype == "E") else ~I(sch.wide == "Yes")
  for (m in methods) for (lev in c(0.95, 0.8)) {
    r <- suppressWarnings(ciprop_call(f, dd, method = m, level = lev))
    zeroWeights[[length(zeroWeights) + 1]] <- list(
      id = sprintf("zw%s-%s-%s-%g", if (is.null(sub)) "" else "[stype!=E]", deparse(f), m, lev * 100),
      subset = if (is.null(sub)) NA else sub,
      indicator = if (is.null(sub)) cond("stype", "==", "E") else cond("sch.wide", "==", "Yes"),
      method = m, level = lev, degf = degf(dd), nrow = nrow(dd),
      estimate = unname(as.numeric(r)), se = sqrt(as.numeric(attr(r, "var"))),
      ci = I(unname(as.numeric(attr(r, "ci")))))
  }
}

## R's spline(method = "fmm"), approx() and seq.int(length.out) -- what the likelihood method
## uses -- for test/stats/spline.test.ts. Numbers as "%.17g" strings (exact doubles).
s17 <- function(x) I(sprintf("%.17g", x))
sx <- c(1, 2, 4, 7, 11)
spl <- list(
  list(id = "sin-default", x = sx, y = sin(sx), args = list()),
  list(id = "sin-n7", x = sx, y = sin(sx), args = list(n = 7)),
  list(id = "sin-xout", x = sx, y = sin(sx), args = list(xout = c(-1, 0.5, 1, 3, 6.99, 11, 12))),
  list(id = "sin-xmin-xmax", x = sx, y = sin(sx), args = list(n = 9, xmin = 0, xmax = 12)),
  list(id = "two-points", x = c(0, 3), y = c(1, -2), args = list(n = 5)),
  list(id = "three-points", x = c(0, 1, 3), y = c(1, 4, 2), args = list(n = 8)),
  list(id = "four-points", x = c(0, 1, 3, 3.5), y = c(1, 4, 2, 0), args = list()),
  list(id = "unsorted-ties", x = c(5, 1, 3, 3, 2, 8), y = c(2, 0, 1, 3, -1, 4), args = list(n = 11)),
  ## default n = 3 * the number of distinct x (R evaluates n lazily, after collapsing ties)
  list(id = "unsorted-ties-default-n", x = c(5, 1, 3, 3, 2, 8), y = c(2, 0, 1, 3, -1, 4), args = list()),
  list(id = "profile", x = c(0.4819997, 0.6880627, 0.8941257, 1.1001887, 1.3062517, 1.5123146, 1.7183776, 1.9244406, 2.1305036),
       y = c(-4.885728, -3.607090, -2.363955, -1.160563, 0, 1.115785, 2.185879, 3.210272, 4.189691), args = list())
)
splines <- lapply(spl, function(s) {
  r <- do.call(spline, c(list(x = s$x, y = s$y, method = "fmm"), s$args))
  list(id = s$id, call = sprintf("spline(x, y, method = \"fmm\"%s)",
                                 paste0(vapply(names(s$args), function(a) sprintf(", %s = c(%s)", a, paste(s$args[[a]], collapse = ", ")), ""), collapse = "")),
       x = s17(s$x), y = s17(s$y), n = if (is.null(s$args$n)) NA else s$args$n,
       xmin = if (is.null(s$args$xmin)) NA else s$args$xmin, xmax = if (is.null(s$args$xmax)) NA else s$args$xmax,
       xout = if (is.null(s$args$xout)) NA else s17(s$args$xout),
       outX = s17(r$x), outY = s17(r$y))
})
ax <- c(3, 1, 2, 2, 5, NA, 4)
ay <- c(30, 10, 20, 26, 50, 1, NA)
axo <- c(0, 1, 1.5, 2, 2.25, 3, 4.5, 5, 6, NA)
apx <- list(
  list(id = "linear-rule1", args = list(method = "linear", rule = 1)),
  list(id = "linear-rule2", args = list(method = "linear", rule = 2)),
  list(id = "linear-rule12", args = list(method = "linear", rule = c(1, 2))),
  list(id = "constant-f0", args = list(method = "constant", f = 0, rule = 2)),
  list(id = "constant-f0.25", args = list(method = "constant", f = 0.25, rule = 1)),
  list(id = "constant-f1", args = list(method = "constant", f = 1, rule = 2))
)
approxes <- lapply(apx, function(a) {
  r <- suppressWarnings(do.call(approx, c(list(x = ax, y = ay, xout = axo), a$args)))
  list(id = a$id, x = s17(ax), y = s17(ay), xout = s17(axo), method = a$args$method,
       rule = I(a$args$rule), f = if (is.null(a$args$f)) 0 else a$args$f, out = s17(r$y))
})
seqs <- lapply(list(c(0.1, 0.7, 7), c(-1.3, 2.9, 10), c(0.4819997, 2.1305036, 27), c(1, 11, 15), c(2, 2, 3)),
               function(a) list(from = a[1], to = a[2], n = a[3], out = s17(seq.int(a[1], a[2], length.out = a[3]))))

out <- list(
  meta = meta("ciprop-extra", notes = c(
    "df null: R's default degf(design); otherwise svyciprop(..., df = df)",
    "ci = [lower, upper]; null = NaN/NA in R",
    "zeroProportion: svyciprop(~I(api00 > 950), dclus1) for each method (error = R's error message)",
    "zeroWeights: svydesign(id=~dnum, weights=~pw0, fpc=~fpc, data=apiclus1) with pw0 = pw except 0 on every 10th row",
    "method 'wilson' (survey 4.5's): computed by svyciprop_wilson in common.R from its definition (see ciprop.json's notes)"
  )),
  designs = specs_json(sapply(targets, `[[`, "design")),
  cases = cases,
  zeroProportion = zero,
  zeroWeights = zeroWeights,
  spline = splines,
  approx = approxes,
  seq = seqs
)
write_ref(out, "ciprop-extra")
