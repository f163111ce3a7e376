## svymean / svytotal on whole designs -> designs.json
## Run from the repository root: Rscript test/reference/designs.R
source(file.path(local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
}), "common.R"))

api_vars <- c("api00", "api99", "enroll", "stype", "sch.wide")
poll_vars <- c("support", "income", "age", "attitude", "sex", "agegroup")
plan <- list(
  dstrat = api_vars, dstrat_nofpc = api_vars, dsrs_unstrat = api_vars,
  dclus1 = api_vars, dclus1_nofpc = api_vars, dclus1_prob = api_vars,
  dclus2 = api_vars, dclus2_nofpc = api_vars, dclus2_frac = api_vars,
  dmu284 = c("y1"), dfpc = c("x"), dfpc_fpc = c("x"),
  dpoll = poll_vars, dpoll2 = poll_vars
)

## One estimate case (also used by domain.R via source()).
estimate_case <- function(id, dname, design, stat, v, design_expr = dname, subset = NULL) {
  f <- as.formula(paste0("~", v))
  x <- design$variables[[v]]
  inset <- weights(design, "sampling") != 0
  narm <- any(is.na(x[inset]))
  FUN <- switch(stat, mean = svymean, total = svytotal)
  r <- FUN(f, design, na.rm = narm, deff = TRUE)
  rr <- FUN(f, design, na.rm = narm, deff = "replace")
  df <- degf(design)
  isf <- is.factor(x)
  lev <- if (isf) levels(x) else NULL
  if (isf) stopifnot(identical(names(coef(r)), paste0(v, lev)))
  stopifnot(isTRUE(all.equal(coef(r), coef(rr))), isTRUE(all.equal(SE(r), SE(rr))))
  list(
    id = id,
    design = dname,
    subset = if (is.null(subset)) NA else subset,
    call = sprintf("svy%s(~%s, %s%s, deff=TRUE)", stat, v, design_expr, if (narm) ", na.rm=TRUE" else ""),
    statistic = stat,
    variable = v,
    type = if (isf) "factor" else "numeric",
    levels = if (isf) strs(lev) else NA,
    naRm = narm,
    n = sum(!is.na(x[inset])),
    nMissing = sum(is.na(x[inset])),
    estimate = vec(coef(r)),
    se = vec(SE(r)),
    vcov = mat(vcov(r)),
    deff = vec(deff(r)),
    deffReplace = vec(deff(rr)),
    degf = df,
    ci95 = ivals(confint(r, level = 0.95)),
    ci90 = ivals(confint(r, level = 0.90)),
    ci95_df = ivals(confint(r, level = 0.95, df = df)),
    ci90_df = ivals(confint(r, level = 0.90, df = df))
  )
}

design_summary <- function(design) {
  list(nrow = nrow(design), degf = degf(design), sumWeights = sum(weights(design)),
       nPSU = length(unique(design$cluster[, 1])),
       nStrata = length(unique(design$strata[, 1])))
}

## main part: only when run as a script (Rscript), not when source()d by domain.R
if (sys.nframe() == 0L) {
  cases <- list()
  designs <- specs_json(names(plan))
  for (dn in names(plan)) {
    d <- make_design(dn)
    designs[[dn]]$summary <- design_summary(d)
    for (v in plan[[dn]]) for (st in c("mean", "total")) {
      id <- sprintf("%s-%s-%s", dn, st, v)
      cases[[length(cases) + 1]] <- estimate_case(id, dn, d, st, v)
    }
  }

  ## What R does with the poll when nest=TRUE is omitted (PSU ids repeat across strata).
  poll <- load_csv("poll.csv")
  no_nest <- tryCatch({
    svydesign(id = ~psu, strata = ~region, weights = ~pw, data = poll); "no error"
  }, error = function(e) conditionMessage(e))

  out <- list(
    meta = meta("designs", notes = c(
      "estimate/se/deff/... arrays have one entry per factor level (levels order) or a single entry for numeric variables",
      "deff = deff=TRUE (vs SRS without replacement, n/N from the sum of weights); deffReplace = deff='replace' (vs SRS with replacement)",
      "ci95/ci90 use df=Inf (normal quantiles, R default); ci95_df/ci90_df use df=degf(design) (t quantiles)",
      "na.rm=TRUE whenever the variable has NA in the design; this is a domain estimate (rows dropped via design[!is.na(x),]) so degf is that of the full design",
      paste("poll design without nest=TRUE:", no_nest)
    )),
    designs = designs,
    cases = cases
  )
  write_ref(out, "designs")
}
