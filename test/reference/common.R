## Shared helpers for the R reference scripts (sourced by each topic script).
##
## Every reference script reads the datasets back from test/reference/data/*.csv
## (never from the in-memory R objects), so that R and the TypeScript tests see
## exactly the same input values.

suppressPackageStartupMessages({
  library(survey)
  library(jsonlite)
})

## ---- paths -----------------------------------------------------------------
ref_dir <- local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  d <- if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else NA
  if (is.na(d) || !file.exists(file.path(d, "common.R"))) d <- file.path(getwd(), "test", "reference")
  if (!file.exists(file.path(d, "common.R"))) stop("run from the repository root")
  d
})
data_dir <- file.path(ref_dir, "data")

## R's default, stated explicitly; scripts that need another value set it locally.
options(survey.lonely.psu = "fail", survey.adjust.domain.lonely = FALSE)

## ---- data ------------------------------------------------------------------
## Factor columns and their level order (the order R uses for per-level results).
## The api levels are the levels of the factors in survey's data(api).
factor_levels <- list(
  api = list(
    stype = c("E", "H", "M"),
    sch.wide = c("No", "Yes"),
    comp.imp = c("No", "Yes"),
    both = c("No", "Yes"),
    awards = c("No", "Yes"),
    yr.rnd = c("No", "Yes")
  ),
  poll = list(
    region = c("Capital", "Central", "East", "North", "South", "West"),
    sex = c("Female", "Male"),
    agegroup = c("18-29", "30-39", "40-49", "50-59", "60+"),
    attitude = c("Positive", "Neutral", "Negative", "Hard to say")
  )
)

load_csv <- function(file) {
  d <- read.csv(file.path(data_dir, file), stringsAsFactors = FALSE,
                na.strings = "", check.names = FALSE)
  fl <- if (grepl("^api", file)) factor_levels$api else if (grepl("^poll", file)) factor_levels$poll else list()
  for (v in names(fl)) if (v %in% names(d)) {
    stopifnot(all(is.na(d[[v]]) | d[[v]] %in% fl[[v]]))
    d[[v]] <- factor(d[[v]], levels = fl[[v]])
  }
  d
}

## ---- design registry -------------------------------------------------------
## spec: machine-readable description for the TypeScript side.
##   data: CSV file in data/; ids: column per stage (NULL = id=~1, one row = one PSU)
##   strata, weights, probs: column name or NULL; fpc: column per stage or NULL
##   nest: logical; rcall: the exact R call (data= names the data frame read from `data`).
design_specs <- list(
  dstrat = list(data = "apistrat.csv", ids = NULL, strata = "stype", weights = "pw", probs = NULL, fpc = list("fpc"), nest = FALSE,
                rcall = "svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc, data=apistrat)"),
  dstrat_nofpc = list(data = "apistrat.csv", ids = NULL, strata = "stype", weights = "pw", probs = NULL, fpc = NULL, nest = FALSE,
                rcall = "svydesign(id=~1, strata=~stype, weights=~pw, data=apistrat)"),
  dsrs_unstrat = list(data = "apistrat.csv", ids = NULL, strata = NULL, weights = "pw", probs = NULL, fpc = NULL, nest = FALSE,
                rcall = "svydesign(id=~1, weights=~pw, data=apistrat)"),
  dclus1 = list(data = "apiclus1.csv", ids = list("dnum"), strata = NULL, weights = "pw", probs = NULL, fpc = list("fpc"), nest = FALSE,
                rcall = "svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=apiclus1)"),
  dclus1_nofpc = list(data = "apiclus1.csv", ids = list("dnum"), strata = NULL, weights = "pw", probs = NULL, fpc = NULL, nest = FALSE,
                rcall = "svydesign(id=~dnum, weights=~pw, data=apiclus1)"),
  dclus1_prob = list(data = "apiclus1_prob.csv", ids = list("dnum"), strata = NULL, weights = NULL, probs = "prob", fpc = list("fpc"), nest = FALSE,
                rcall = "svydesign(id=~dnum, probs=~prob, fpc=~fpc, data=apiclus1_prob)"),
  dclus2 = list(data = "apiclus2.csv", ids = list("dnum", "snum"), strata = NULL, weights = NULL, probs = NULL, fpc = list("fpc1", "fpc2"), nest = FALSE,
                rcall = "svydesign(id=~dnum+snum, fpc=~fpc1+fpc2, data=apiclus2)"),
  dclus2_nofpc = list(data = "apiclus2.csv", ids = list("dnum", "snum"), strata = NULL, weights = "pw", probs = NULL, fpc = NULL, nest = FALSE,
                rcall = "svydesign(id=~dnum+snum, weights=~pw, data=apiclus2)"),
  dclus2_frac = list(data = "apiclus2_frac.csv", ids = list("dnum", "snum"), strata = NULL, weights = NULL, probs = NULL, fpc = list("f1", "f2"), nest = FALSE,
                rcall = "svydesign(id=~dnum+snum, fpc=~f1+f2, data=apiclus2_frac)"),
  dmu284 = list(data = "mu284.csv", ids = list("id1", "id2"), strata = NULL, weights = NULL, probs = NULL, fpc = list("n1", "n2"), nest = FALSE,
                rcall = "svydesign(id=~id1+id2, fpc=~n1+n2, data=mu284)"),
  dfpc = list(data = "fpc.csv", ids = list("psuid"), strata = "stratid", weights = "weight", probs = NULL, fpc = NULL, nest = TRUE,
                rcall = "svydesign(id=~psuid, strata=~stratid, weights=~weight, nest=TRUE, data=fpc)"),
  dfpc_fpc = list(data = "fpc.csv", ids = list("psuid"), strata = "stratid", weights = "weight", probs = NULL, fpc = list("Nh"), nest = TRUE,
                rcall = "svydesign(id=~psuid, strata=~stratid, weights=~weight, fpc=~Nh, nest=TRUE, data=fpc)"),
  dpoll = list(data = "poll.csv", ids = list("psu"), strata = "region", weights = "pw", probs = NULL, fpc = NULL, nest = TRUE,
                rcall = "svydesign(id=~psu, strata=~region, weights=~pw, nest=TRUE, data=poll)"),
  dpoll2 = list(data = "poll.csv", ids = list("psu", "id"), strata = "region", weights = "pw", probs = NULL, fpc = list("fpc1", "fpc2"), nest = TRUE,
                rcall = "svydesign(id=~psu+id, strata=~region, fpc=~fpc1+fpc2, weights=~pw, nest=TRUE, data=poll)"),
  ## lonely-PSU designs (tests/lonely.psu.R); dnum 413 has a single PSU
  dlonely = list(data = "apiclus1.csv", ids = NULL, strata = "dnum", weights = "pw", probs = NULL, fpc = NULL, nest = FALSE,
                rcall = "svydesign(id=~1, strata=~dnum, weights=~pw, data=apiclus1)"),
  dlonely_fpc = list(data = "apiclus1_lonelyfpc.csv", ids = NULL, strata = "dnum", weights = "pw", probs = NULL, fpc = list("lfpc"), nest = FALSE,
                rcall = "svydesign(id=~1, strata=~dnum, weights=~pw, fpc=~lfpc, data=apiclus1_lonelyfpc)"),
  dlonely_no413 = list(data = "apiclus1_no413.csv", ids = NULL, strata = "dnum", weights = "pw", probs = NULL, fpc = NULL, nest = FALSE,
                rcall = "svydesign(id=~1, strata=~dnum, weights=~pw, data=apiclus1_no413)")
)

data_object_name <- function(file) sub("\\.csv$", "", file)

## Build a design from the registry by evaluating its exact rcall against the CSV data.
make_design <- function(name) {
  s <- design_specs[[name]]
  if (is.null(s)) stop("unknown design ", name)
  env <- new.env(parent = globalenv())
  assign(data_object_name(s$data), load_csv(s$data), envir = env)
  eval(parse(text = s$rcall)[[1]], envir = env)
}

## JSON form of a spec (NULL -> null, per-stage lists -> arrays).
spec_json <- function(name) {
  s <- design_specs[[name]]
  nul <- function(x) if (is.null(x)) NA else x
  arr <- function(x) if (is.null(x)) NA else I(unlist(x))
  list(name = name, data = s$data, ids = arr(s$ids), strata = nul(s$strata),
       weights = nul(s$weights), probs = nul(s$probs), fpc = arr(s$fpc),
       nest = s$nest, rcall = s$rcall)
}

specs_json <- function(names) {
  r <- lapply(unique(names), spec_json)
  names(r) <- unique(names)
  r
}

## Subset conditions, machine readable: list of {var, op, value}; ANDed.
## ops: "==", "!=", ">", ">=", "<", "<=", "notNA" (value null)
cond <- function(var, op, value = NA) list(var = var, op = op, value = value)

subset_rexpr <- function(conds) {
  parts <- vapply(conds, function(c) {
    if (c$op == "notNA") return(sprintf("!is.na(%s)", c$var))
    v <- if (is.character(c$value)) sprintf('"%s"', c$value) else format(c$value, digits = 17)
    sprintf("%s %s %s", c$var, c$op, v)
  }, "")
  paste(parts, collapse = " & ")
}

apply_subset <- function(design, conds) {
  if (is.null(conds) || length(conds) == 0) return(design)
  e <- parse(text = subset_rexpr(conds))[[1]]
  eval(bquote(subset(design, .(e))))
}

## ---- JSON helpers ----------------------------------------------------------
## numeric vector -> JSON array (never unboxed), names dropped, NA -> null
vec <- function(x) I(unname(as.numeric(x)))
## 2-column matrix of intervals -> [[lo,hi],...]
ivals <- function(ci) {
  ci <- unname(as.matrix(ci))
  lapply(seq_len(nrow(ci)), function(i) I(as.numeric(ci[i, ])))
}
## square matrix -> array of rows
mat <- function(m) {
  m <- unname(as.matrix(m))
  lapply(seq_len(nrow(m)), function(i) I(as.numeric(m[i, ])))
}
strs <- function(x) I(as.character(x))

write_ref <- function(x, topic) {
  path <- file.path(ref_dir, paste0(topic, ".json"))
  jsonlite::write_json(x, path, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null")
  message("wrote ", path)
  invisible(path)
}

meta <- function(topic, notes = NULL) {
  list(topic = topic,
       generatedBy = paste0("test/reference/", topic, ".R"),
       R = R.version.string,
       survey = as.character(packageVersion("survey")),
       options = list(survey.lonely.psu = getOption("survey.lonely.psu"),
                      survey.adjust.domain.lonely = getOption("survey.adjust.domain.lonely")),
       notes = if (is.null(notes)) NA else I(notes))
}

## variable helpers
is_factor_var <- function(design, v) is.factor(design$variables[[v]])
n_missing <- function(design, v) {
  inset <- weights(design, "sampling") != 0
  sum(is.na(design$variables[[v]][inset]))
}
n_used <- function(design, v) {
  inset <- weights(design, "sampling") != 0
  sum(!is.na(design$variables[[v]][inset]))
}

## ---- survey >= 4.4's quantile rules ----------------------------------------
## survey 4.1.1's discrete rules 'math'/'hf1', 'school'/'hf2' and 'hf3' take the second-smallest
## value for p below the first value's weight share (the position found is the first one while
## p - share < 0, and 4.1.1 tests the gap for == 0 only); survey >= 4.4 tests it for <= 0, so such
## p give the smallest value ('school': the mean of the smallest two; 'hf3': unchanged there, as
## position 1 is odd). Written here from that rule, not from survey's code. surveykit follows the
## fixed rules: with_fixed_qrules(expr) evaluates expr with them in place of 4.1.1's.
fixed_qrule <- function(kind) {
  force(kind)
  function(x, w, p) {
    keep <- w != 0
    x <- x[keep]; w <- w[keep]
    if (kind == "hf3") { w <- as.vector(rowsum(w, x)); x <- sort(unique(x)) }
    o <- order(x); x <- x[o]; cw <- cumsum(w[o]); total <- cw[length(cw)]
    below <- which(cw <= p * total)
    k <- if (length(below)) max(below) else 1L       # last position at or below p, else the first
    k1 <- min(k + 1L, length(x))
    at <- p - cw[k] / total <= 0                      # at (or below) that position's share
    switch(kind,
           math = if (at) x[k] else x[k1],
           school = if (at) (x[k] + x[k1]) / 2 else x[k1],
           hf3 = if (at && k %% 2 == 0) x[k] else x[k1])
  }
}
fixed_qrule_names <- c(qrule_math = "math", qrule_hf1 = "math", qrule_school = "school",
                       qrule_hf2 = "school", qrule_hf3 = "hf3")
with_fixed_qrules <- function(expr) {
  ns <- asNamespace("survey")
  old <- lapply(names(fixed_qrule_names), function(f) get(f, envir = ns))
  names(old) <- names(fixed_qrule_names)
  for (f in names(fixed_qrule_names)) assignInNamespace(f, fixed_qrule(fixed_qrule_names[[f]]), "survey")
  on.exit(for (f in names(old)) assignInNamespace(f, old[[f]], "survey"))
  expr
}
## The fixed-rule results of a qrule, when it is one the fix concerns and they differ from 4.1.1's
## (NA otherwise): the same matrix columns as `m` (quantile, ci lower, ci upper, se).
fixed_quantiles <- function(qrule, m, compute) {
  if (!(qrule %in% c("math", "hf1", "school", "hf2", "hf3"))) return(NA)
  f <- with_fixed_qrules(compute())
  if (identical(unname(f), unname(m))) return(NA)
  list(quantile = vec(f[, 1]), ci = ivals(f[, 2:3, drop = FALSE]), se = vec(f[, 4]))
}

## expr evaluated with survey's function `name` changed by one line: the fixed text `from`,
## found on exactly one line of its deparsed source, replaced by `to` (how the fixes of later
## survey versions below are applied to 4.1.1); the original is put back afterwards.
with_line_changed <- function(name, from, to, expr) {
  old <- get(name, envir = asNamespace("survey"))
  txt <- deparse(old)
  at <- grep(from, txt, fixed = TRUE)
  stopifnot(length(at) == 1)
  txt[at] <- sub(from, to, txt[at], fixed = TRUE)
  fixed <- eval(parse(text = txt))
  environment(fixed) <- environment(old)
  assignInNamespace(name, fixed, "survey")
  on.exit(assignInNamespace(name, old, "survey"))
  expr
}

## survey 4.2 fixed svyvar on a linearization design: its n (for the n/(n - 1) factor) counts the
## rows with a non-zero weight and a value; 4.1.1 also counts the rows missing the variable
## (NEWS 4.2: "svyvar() computes sample size 'n' in the same way for na.rm=TRUE as for a domain").
## with_fixed_svyvar(expr) evaluates expr with 4.1.1's svyvar.survey.design changed by that one
## line, everything else as installed.
with_fixed_svyvar <- function(expr) {
  with_line_changed("svyvar.survey.design", "n <- sum(weights(design, \"sampling\") != 0)",
                    "n <- sum((weights(design, \"sampling\") != 0) & (rowSums(is.na(as.matrix(x))) == 0))",
                    expr)
}

## survey 4.3 fixed the Pearson residuals of svyglm on replicate designs (residuals.svrepglm):
## 4.1.1 divides them by sqrt(pw / sum(pw)), 4.3 by sqrt(pw / mean(pw)) (NEWS 4.3: "error in
## scaling Pearson residuals for svyrepglm led to confint.svrepglm with likelihood profiling not
## finding the ends of the interval"). summary.svrepglm's dispersion was so n times too large,
## and svyciprop(method = "likelihood")'s interval on a replicate design NA. surveykit follows
## the fix: with_fixed_svrepglm_residuals(expr) evaluates expr with 4.1.1's function changed by
## that one line (sum -> mean), everything else as installed.
with_fixed_svrepglm_residuals <- function(expr) {
  with_line_changed("residuals.svrepglm", "pweights/sum(object$survey.design$pweights)",
                    "pweights/mean(object$survey.design$pweights)", expr)
}

## ---- svyciprop(method = "wilson") -------------------------------------------
## survey 4.5 added method = "wilson" to svyciprop (survey 4.1.1 has no such method): the Wilson
## score interval with the effective sample size n = p(1 - p) / var(p) of svymean's share and
## t = qt(1 - alpha/2, df) in place of z:
##   (p + t^2/(2n) -/+ t/(2n) sqrt(4 n p (1 - p) + t^2)) / (1 + t^2/n),
## df = degf(design) unless given. Written here from that definition (not survey's code), with
## svyciprop's result layout (the share, attr "var", attr "ci").
svyciprop_wilson <- function(formula, design, level = 0.95, df = degf(design), na.rm = FALSE) {
  m <- eval(bquote(svymean(~as.numeric(.(formula[[2]])), design, na.rm = .(na.rm))))
  p <- unname(coef(m)[1])
  v <- unname(as.numeric(vcov(m)))
  n <- p * (1 - p) / v
  t <- qt(1 - (1 - level) / 2, df)
  centre <- p + t^2 / (2 * n)
  half <- t / (2 * n) * sqrt(4 * n * p * (1 - p) + t^2)
  structure(p, var = v, ci = c(centre - half, centre + half) / (1 + t^2 / n))
}
## svyciprop, or svyciprop_wilson for method = "wilson".
ciprop_call <- function(formula, design, method, ...) {
  if (method == "wilson") svyciprop_wilson(formula, design, ...)
  else svyciprop(formula, design, method = method, ...)
}
