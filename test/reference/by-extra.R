## Extra svyby / svycontrast references for test/estimate/by.test.ts and contrast.test.ts
## (cases by.json does not cover): missing grouping values, empty groups with
## drop.empty.groups = FALSE, domains, three grouping variables, svycontrast on svymean.
## Run from the repository root: Rscript test/reference/by-extra.R  -> by-extra.json
source(file.path(local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
}), "common.R"))

## by-case: svyby(~var, ~by, design [subset], FUN, covmat = TRUE, drop.empty.groups = drop)
specs <- list(
  list(id = "dpoll-mean-age-by-attitude", design = "dpoll", subset = NULL, vars = "age",
       by = "attitude", stat = "mean", drop = TRUE),
  list(id = "dclus1-mean-api00-by-stype+yr.rnd", design = "dclus1", subset = NULL, vars = "api00",
       by = c("stype", "yr.rnd"), stat = "mean", drop = TRUE),
  list(id = "dclus1-mean-api00-by-stype+yr.rnd-keepempty", design = "dclus1", subset = NULL, vars = "api00",
       by = c("stype", "yr.rnd"), stat = "mean", drop = FALSE),
  list(id = "dclus1-total-enroll-by-stype-domain-notH", design = "dclus1",
       subset = list(cond("stype", "!=", "H")), vars = "enroll", by = "stype", stat = "total", drop = TRUE),
  list(id = "dclus1-mean-api00-by-stype-domain-notH-keepempty", design = "dclus1",
       subset = list(cond("stype", "!=", "H")), vars = "api00", by = "stype", stat = "mean", drop = FALSE),
  list(id = "dclus1-mean-api00-by-stype-domain-api99", design = "dclus1",
       subset = list(cond("api99", ">", 600)), vars = "api00", by = "stype", stat = "mean", drop = TRUE),
  list(id = "dstrat-mean-api00-by-stype+sch.wide+awards", design = "dstrat", subset = NULL, vars = "api00",
       by = c("stype", "sch.wide", "awards"), stat = "mean", drop = TRUE),
  list(id = "dclus2-mean-awards-by-stype+sch.wide", design = "dclus2", subset = NULL, vars = "awards",
       by = c("stype", "sch.wide"), stat = "mean", drop = TRUE),
  list(id = "dpoll-mean-attitude-by-region", design = "dpoll", subset = list(cond("attitude", "notNA")),
       vars = "attitude", by = "region", stat = "mean", drop = TRUE)
)

num <- function(x) I(unname(as.numeric(x)))
cases <- lapply(specs, function(sp) {
  d <- apply_subset(make_design(sp$design), sp$subset)
  FUN <- switch(sp$stat, mean = svymean, total = svytotal)
  fx <- as.formula(paste0("~", paste(sp$vars, collapse = "+")))
  fby <- as.formula(paste0("~", paste(sp$by, collapse = "+")))
  b <- svyby(fx, fby, d, FUN, covmat = TRUE, drop.empty.groups = sp$drop)
  est_cols <- attr(b, "svyby")$variables
  ngr <- nrow(b)
  nv <- length(est_cols)
  df_ <- as.data.frame(b)
  ## the by-variables' values in the design's domain
  byvals <- d$variables[, sp$by, drop = FALSE]
  nmiss <- sum(apply(byvals, 1, function(r) any(is.na(r))))
  list(
    id = sp$id, design = sp$design, subset = if (is.null(sp$subset)) NA else sp$subset,
    call = sprintf("svyby(%s, %s, %s, svy%s, covmat=TRUE, drop.empty.groups=%s)", deparse(fx), deparse(fby),
                   if (is.null(sp$subset)) sp$design else sprintf("subset(%s, %s)", sp$design, subset_rexpr(sp$subset)),
                   sp$stat, sp$drop),
    statistic = sp$stat, variables = strs(sp$vars), by = strs(sp$by), dropEmpty = sp$drop,
    groupLabels = strs(rownames(b)),
    groups = lapply(seq_len(ngr), function(i) as.list(setNames(as.character(sapply(sp$by, function(v) as.character(df_[i, v]))), sp$by))),
    estimateNames = strs(est_cols),
    ## [group][column]; NA (empty group) -> null
    estimate = mat(matrix(as.matrix(df_[, est_cols, drop = FALSE]), ngr, nv)),
    se = mat(matrix(as.matrix(SE(b)), ngr, nv)),
    flatNames = strs(names(coef(b))),
    vcov = mat(vcov(b)),
    nMissingGroup = nmiss
  )
})

## svycontrast on svymean of a factor (level shares), and of several numeric variables
mean_contrasts <- list(
  list(id = "dclus1-mean-stype", design = "dclus1", formula = "~stype",
       weights = c(stypeE = 1, stypeH = -1), labels = c(E = 1, H = -1)),
  list(id = "dclus1-mean-stype-E-vs-rest", design = "dclus1", formula = "~stype",
       weights = c(stypeE = 1, stypeH = -0.5, stypeM = -0.5), labels = c(E = 1, H = -0.5, M = -0.5)),
  list(id = "dpoll-mean-attitude", design = "dpoll", formula = "~attitude",
       weights = c(attitudePositive = 1, attitudeNegative = -1), labels = c(Positive = 1, Negative = -1)),
  list(id = "dclus1-mean-api00+api99", design = "dclus1", formula = "~api00+api99",
       weights = c(api00 = 1, api99 = -1), labels = c(api00 = 1, api99 = -1)),
  list(id = "dclus2-mean-api00+api99", design = "dclus2", formula = "~api00+api99",
       weights = c(api00 = 0.5, api99 = 0.5), labels = c(api00 = 0.5, api99 = 0.5)),
  list(id = "dclus1-total-stype", design = "dclus1", formula = "~stype", stat = "total",
       weights = c(stypeE = 1, stypeM = 1), labels = c(E = 1, M = 1))
)
mcases <- lapply(mean_contrasts, function(mc) {
  d <- make_design(mc$design)
  FUN <- if (!is.null(mc$stat) && mc$stat == "total") svytotal else svymean
  m <- FUN(as.formula(mc$formula), d, na.rm = TRUE)
  r <- svycontrast(m, mc$weights)
  list(id = mc$id, design = mc$design, statistic = if (is.null(mc$stat)) "mean" else mc$stat,
       variable = sub("^~", "", mc$formula),
       call = sprintf("svycontrast(svy%s(%s, %s, na.rm=TRUE), c(%s))", if (is.null(mc$stat)) "mean" else mc$stat,
                      mc$formula, mc$design,
                      paste(sprintf("%s=%s", names(mc$weights), format(mc$weights)), collapse = ", ")),
       coefficients = as.list(mc$labels),
       estimate = unname(as.numeric(coef(r))), se = unname(as.numeric(SE(r))),
       ci95 = num(confint(r)), ci90_df10 = num(confint(r, level = 0.9, df = 10)),
       vcov = mat(vcov(m)))
})

out <- list(
  meta = meta("by-extra", notes = c(
    "cases: as by.json (groupLabels in R's row order, estimate/se [group][column], flatNames/vcov in R's variable-major order)",
    "keepempty cases: drop.empty.groups=FALSE, empty groups have null estimate/se and null vcov rows/columns",
    "nMissingGroup: rows of the (subset) design with a missing grouping value",
    "contrasts: svycontrast on svymean/svytotal of a factor (coefficients keyed by level name) or of several numeric variables (keyed by variable)"
  )),
  designs = specs_json(c(sapply(specs, `[[`, "design"), sapply(mean_contrasts, `[[`, "design"))),
  cases = cases,
  contrasts = mcases
)
write_ref(out, "by-extra")
