## Estimates on replicate-weight designs -> replicate-estimates.json
##
## svymean/svytotal (numeric and factor, deff=TRUE and deff="replace", CIs with df=Inf and
## df=degf), in whole designs and in subset() domains; svyby(covmat=TRUE, deff=TRUE) with one and
## two grouping variables, and svycontrast on it; svytable and svychisq (F and Chisq). Every case
## runs with mse = FALSE and mse = TRUE.
##
## Needs the CSVs of export-data.R and replicate.R (apistrat_pairs.csv, apiclus1_rep.csv).
## Run from the repository root:  Rscript test/reference/replicate-estimates.R

source(file.path(local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
}), "common.R"))

design_specs$dpairs20 <- list(data = "apistrat_pairs.csv", ids = list("psu20"), strata = "str20", weights = "pw", probs = NULL, fpc = NULL, nest = FALSE,
                              rcall = "svydesign(id=~psu20, strata=~str20, weights=~pw, data=apistrat_pairs)")

## ---- replicate designs ----------------------------------------------------------------
## from = "design": as.svrepdesign(<design>, type, fay.rho); from = "columns": svrepdesign() on the CSV.
rep_specs <- list(
  rclus1 = list(from = "design", design = "dclus1", type = "JK1", rho = NA,
                rcall = 'as.svrepdesign(dclus1, type="JK1")'),
  rstrat = list(from = "design", design = "dstrat", type = "JKn", rho = NA,
                rcall = 'as.svrepdesign(dstrat, type="JKn")'),
  rpairs = list(from = "design", design = "dpairs20", type = "BRR", rho = NA,
                rcall = 'as.svrepdesign(dpairs20, type="BRR")'),
  rboot = list(from = "columns", data = "apiclus1_rep.csv", type = "bootstrap", weights = "pw", repweights = "boot_[0-9]+",
               rcall = 'svrepdesign(data=apiclus1_rep, type="bootstrap", weights=~pw, repweights="boot_[0-9]+")'),
  rpoll = list(from = "design", design = "dpoll", type = "JKn", rho = NA,
               rcall = 'as.svrepdesign(dpoll, type="JKn")'),
  rpollfay = list(from = "design", design = "dpoll", type = "Fay", rho = 0.3,
                  rcall = 'as.svrepdesign(dpoll, type="Fay", fay.rho=0.3)')
)

make_rep <- function(name, mse) {
  s <- rep_specs[[name]]
  r <- if (s$from == "design") {
    d <- make_design(s$design)
    if (is.na(s$rho)) as.svrepdesign(d, type = s$type) else as.svrepdesign(d, type = s$type, fay.rho = s$rho)
  } else {
    svrepdesign(data = load_csv(s$data), type = s$type, weights = as.formula(paste0("~", s$weights)),
                repweights = s$repweights)
  }
  stopifnot(is.null(r$selfrep) || !any(r$selfrep))  # no census strata: R's svytotal would drop their rows
  r$mse <- mse
  r
}

rep_json <- function(name) {
  s <- rep_specs[[name]]
  nul <- function(x) if (is.null(x) || (length(x) == 1 && is.na(x))) NA else x
  list(name = name, from = s$from, design = nul(s$design), data = nul(s$data), type = s$type,
       rho = nul(s$rho), weights = nul(s$weights), repweights = nul(s$repweights), rcall = s$rcall)
}

## numeric vector -> JSON array with Inf / -Inf as the strings "Inf" / "-Inf" (NA, NaN -> null)
vec_inf <- function(x) {
  x <- unname(as.numeric(x))
  lapply(x, function(v) if (is.infinite(v)) (if (v > 0) "Inf" else "-Inf") else v)
}

## ---- svymean / svytotal ----------------------------------------------------------------
estimate_case <- function(id, rname, mse, design, stat, v, subset = NULL) {
  f <- as.formula(paste0("~", v))
  x <- design$variables[[v]]
  narm <- any(is.na(x))
  FUN <- switch(stat, mean = svymean, total = svytotal)
  r <- FUN(f, design, na.rm = narm, deff = TRUE)
  rr <- FUN(f, design, na.rm = narm, deff = "replace")
  df <- degf(design)
  isf <- is.factor(x)
  lev <- if (isf) levels(x) else NULL
  if (isf) stopifnot(identical(names(coef(r)), paste0(v, lev)))
  dexpr <- if (is.null(subset)) rname else sprintf("subset(%s, %s)", rname, subset_rexpr(subset))
  list(
    id = id, repDesign = rname, mse = mse,
    subset = if (is.null(subset)) NA else subset,
    call = sprintf("svy%s(~%s, %s%s, deff=TRUE)", stat, v, dexpr, if (narm) ", na.rm=TRUE" else ""),
    statistic = stat, variable = v, type = if (isf) "factor" else "numeric",
    levels = if (isf) strs(lev) else NA,
    naRm = narm, n = sum(!is.na(x)), nMissing = sum(is.na(x)),
    estimate = vec(coef(r)), se = vec(SE(r)), vcov = mat(vcov(r)),
    deff = vec_inf(deff(r)), deffReplace = vec_inf(deff(rr)),
    degf = df,
    ci95 = ivals(confint(r, level = 0.95)),
    ci90 = ivals(confint(r, level = 0.90)),
    ci95_df = ivals(confint(r, level = 0.95, df = df)),
    ci90_df = ivals(confint(r, level = 0.90, df = df))
  )
}

E <- list(cond("stype", "==", "E"))
YES <- list(cond("sch.wide", "==", "Yes"))
CAPITAL <- list(cond("region", "==", "Capital"))
FEMALE <- list(cond("sex", "==", "Female"))
api_vars <- c("api00", "enroll", "stype", "sch.wide")
poll_vars <- c("income", "attitude", "support")
est_plan <- list(
  rclus1 = list(vars = api_vars, domains = list(E, YES)),
  rstrat = list(vars = api_vars, domains = list(E, YES)),
  rpairs = list(vars = api_vars, domains = list(YES)),
  rboot = list(vars = api_vars, domains = list(E)),
  rpoll = list(vars = poll_vars, domains = list(CAPITAL, FEMALE)),
  rpollfay = list(vars = c("income", "attitude"), domains = list(CAPITAL))
)
domain_key <- function(conds) {
  ops <- c("==" = "eq", "!=" = "ne", ">" = "gt", ">=" = "ge", "<" = "lt", "<=" = "le", notNA = "notNA")
  paste(vapply(conds, function(c) paste(c$var, ops[[c$op]], if (c$op == "notNA") "" else c$value, sep = "."), ""),
        collapse = "+")
}

estimates <- list()
for (rn in names(est_plan)) for (mse in c(FALSE, TRUE)) {
  r <- make_rep(rn, mse)
  tag <- sprintf("%s%s", rn, if (mse) "-mse" else "")
  for (conds in c(list(NULL), est_plan[[rn]]$domains)) {
    d <- apply_subset(r, conds)
    key <- if (is.null(conds)) tag else sprintf("%s[%s]", tag, domain_key(conds))
    for (v in est_plan[[rn]]$vars) for (st in c("mean", "total")) {
      estimates[[length(estimates) + 1]] <- estimate_case(sprintf("%s-%s-%s", key, st, v), rn, mse, d, st, v, conds)
    }
  }
}

## ---- svyby + svycontrast ---------------------------------------------------------------
by_plan <- list(
  list(rep = "rclus1", vars = "api00", by = "stype", stat = "mean"),
  list(rep = "rclus1", vars = "sch.wide", by = "stype", stat = "mean"),
  list(rep = "rclus1", vars = "enroll", by = c("stype", "sch.wide"), stat = "total"),
  list(rep = "rclus1", vars = "api00", by = c("stype", "sch.wide"), stat = "mean"),
  list(rep = "rclus1", vars = "api00", by = "stype", stat = "mean", subset = YES),
  ## Counties with one district: the replicate deleting it has no row of the county (NaN
  ## mean), so the joint covariance drops those replicates for every group (R's na.omit).
  list(rep = "rclus1", vars = "api00", by = "cname", stat = "mean"),
  list(rep = "rstrat", vars = "api00", by = "sch.wide", stat = "mean"),
  list(rep = "rstrat", vars = "enroll", by = "stype", stat = "total"),
  list(rep = "rstrat", vars = "stype", by = "sch.wide", stat = "mean"),
  list(rep = "rpairs", vars = "api00", by = "stype", stat = "mean"),
  list(rep = "rpairs", vars = "sch.wide", by = "stype", stat = "total"),
  list(rep = "rboot", vars = "api00", by = "stype", stat = "mean"),
  list(rep = "rboot", vars = "enroll", by = c("stype", "sch.wide"), stat = "total"),
  list(rep = "rpoll", vars = "income", by = "region", stat = "mean"),
  list(rep = "rpoll", vars = "attitude", by = "sex", stat = "mean"),
  list(rep = "rpoll", vars = "support", by = c("region", "sex"), stat = "mean"),
  list(rep = "rpollfay", vars = "support", by = "region", stat = "total")
)

contrast_json <- function(b, w, df) {
  r <- svycontrast(b, w)
  list(name = paste(sprintf("%+g*%s", w, names(w)), collapse = " "), weights = as.list(w),
       call = sprintf("svycontrast(b, c(%s))", paste(sprintf("`%s`=%s", names(w), format(w)), collapse = ", ")),
       estimate = unname(as.numeric(coef(r))), se = unname(as.numeric(SE(r))),
       ci95 = I(unname(as.numeric(confint(r, level = 0.95)))),
       ci95_df = I(unname(as.numeric(confint(r, level = 0.95, df = df)))))
}

by_cases <- list()
for (sp in by_plan) for (mse in c(FALSE, TRUE)) {
  r <- make_rep(sp$rep, mse)
  d <- apply_subset(r, sp$subset)
  FUN <- switch(sp$stat, mean = svymean, total = svytotal)
  fx <- as.formula(paste0("~", paste(sp$vars, collapse = "+")))
  fby <- as.formula(paste0("~", paste(sp$by, collapse = "+")))
  narm <- any(sapply(sp$vars, function(v) any(is.na(d$variables[[v]]))))
  warns <- character(0)
  b <- withCallingHandlers(svyby(fx, fby, d, FUN, covmat = TRUE, deff = TRUE, na.rm = narm),
                           warning = function(w) { warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning") })
  cf <- coef(b)
  V <- vcov(b)
  gdf <- as.data.frame(b)[, sp$by, drop = FALSE]
  glabels <- rownames(b)
  ngr <- nrow(gdf)
  est_cols <- attr(b, "svyby")$variables
  nv <- length(est_cols)
  est <- matrix(as.matrix(as.data.frame(b)[, est_cols, drop = FALSE]), ngr, nv)
  se <- matrix(as.matrix(SE(b)), ngr, nv)
  df_ <- as.data.frame(b)
  deff_cols <- grep("^DEff", names(df_), value = TRUE)
  dmat <- matrix(as.matrix(df_[, deff_cols, drop = FALSE]), ngr, nv)
  stopifnot(isTRUE(all.equal(unname(cf), as.vector(est))))
  gkey <- interaction(d$variables[sp$by], drop = TRUE, sep = ".")
  ## each group's own design (R's design[group, ]) and its degf
  gdesigns <- lapply(glabels, function(g) d[!is.na(gkey) & gkey == g, ])
  nrows <- sapply(glabels, function(g) sum(!is.na(gkey) & gkey == g))
  nnm <- sapply(sp$vars, function(v) sapply(glabels, function(g) sum(!is.na(gkey) & gkey == g & !is.na(d$variables[[v]]))))
  nnm <- matrix(nnm, ngr, length(sp$vars))
  ## contrasts: first two coefficients; first coefficient against the mean of the next two
  nm <- names(cf)
  cts <- list(setNames(c(1, -1), nm[1:2]))
  if (ngr >= 3) cts[[2]] <- setNames(c(1, -0.5, -0.5), nm[1:3])
  dexpr <- if (is.null(sp$subset)) sp$rep else sprintf("subset(%s, %s)", sp$rep, subset_rexpr(sp$subset))
  by_cases[[length(by_cases) + 1]] <- list(
    id = sprintf("%s%s%s-%s-%s-by-%s", sp$rep, if (mse) "-mse" else "",
                 if (is.null(sp$subset)) "" else sprintf("[%s]", domain_key(sp$subset)),
                 sp$stat, paste(sp$vars, collapse = "+"), paste(sp$by, collapse = "+")),
    repDesign = sp$rep, mse = mse,
    subset = if (is.null(sp$subset)) NA else sp$subset,
    call = sprintf("svyby(%s, %s, %s, svy%s, covmat=TRUE, deff=TRUE%s)", deparse(fx), deparse(fby), dexpr, sp$stat,
                   if (narm) ", na.rm=TRUE" else ""),
    statistic = sp$stat, variables = strs(sp$vars), by = strs(sp$by), naRm = narm,
    warnings = I(unique(warns)),
    groups = lapply(seq_len(ngr), function(i) as.list(setNames(as.character(unlist(gdf[i, ])), sp$by))),
    groupLabels = strs(glabels),
    estimateNames = strs(est_cols),
    estimate = mat(est), se = mat(se), deff = mat(dmat),
    flatNames = strs(names(cf)),
    flatIndex = lapply(seq_len(nv * ngr), function(k) I(c((k - 1) %% ngr, (k - 1) %/% ngr))),
    vcov = mat(V),
    ci95 = ivals(confint(b, level = 0.95)),
    ci95_df = ivals(confint(b, level = 0.95, df = degf(d))),
    degf = degf(d),
    groupDegf = vec(sapply(gdesigns, degf)),
    nRows = vec(nrows),
    n = mat(nnm),
    contrasts = lapply(cts, function(w) contrast_json(b, w, degf(d)))
  )
}

## ---- svytable + svychisq --------------------------------------------------------------------
table_plan <- list(
  list(rep = "rclus1", row = "sch.wide", col = "stype"),
  list(rep = "rclus1", row = "sch.wide", col = "stype", subset = list(cond("api99", ">", 500))),
  list(rep = "rstrat", row = "sch.wide", col = "stype"),
  list(rep = "rpairs", row = "sch.wide", col = "stype"),
  list(rep = "rboot", row = "sch.wide", col = "stype"),
  list(rep = "rpoll", row = "attitude", col = "sex"),
  list(rep = "rpoll", row = "agegroup", col = "region"),
  list(rep = "rpoll", row = "attitude", col = "sex", subset = list(cond("region", "!=", "Capital"))),
  list(rep = "rpollfay", row = "attitude", col = "sex")
)
tab_json <- function(t) {
  t <- unclass(t)
  list(rowLevels = strs(dimnames(t)[[1]]), colLevels = strs(dimnames(t)[[2]]), values = mat(matrix(t, nrow(t), ncol(t))))
}
table_cases <- list()
for (tb in table_plan) for (mse in c(FALSE, TRUE)) {
  r <- make_rep(tb$rep, mse)
  d <- apply_subset(r, tb$subset)
  fml <- as.formula(sprintf("~%s+%s", tb$row, tb$col))
  rv <- d$variables[[tb$row]]; cv <- d$variables[[tb$col]]
  ok <- !is.na(rv) & !is.na(cv)
  dexpr <- if (is.null(tb$subset)) tb$rep else sprintf("subset(%s, %s)", tb$rep, subset_rexpr(tb$subset))
  tests <- lapply(c("F", "Chisq"), function(s) {
    h <- suppressWarnings(svychisq(fml, d, statistic = s))
    list(statisticType = s,
         call = sprintf("svychisq(%s, %s, statistic=\"%s\")", deparse(fml), dexpr, s),
         method = h$method, statisticName = names(h$statistic),
         statistic = as.numeric(h$statistic),
         parameter = as.list(setNames(as.numeric(h$parameter), names(h$parameter))),
         p.value = as.numeric(h$p.value),
         observed = tab_json(h$observed))
  })
  table_cases[[length(table_cases) + 1]] <- list(
    id = sprintf("%s%s%s-%s-x-%s", tb$rep, if (mse) "-mse" else "",
                 if (is.null(tb$subset)) "" else sprintf("[%s]", domain_key(tb$subset)), tb$row, tb$col),
    repDesign = tb$rep, mse = mse,
    subset = if (is.null(tb$subset)) NA else tb$subset,
    row = tb$row, col = tb$col,
    nrow = nrow(d), n = sum(ok), nMissing = sum(!ok), degf = degf(d),
    sumWeights = sum(weights(d, "sampling")),
    svytable = c(list(call = sprintf("svytable(%s, %s)", deparse(fml), dexpr)), tab_json(svytable(fml, d))),
    svytableProp = c(list(call = sprintf("svytable(%s, %s, Ntotal=1)", deparse(fml), dexpr)), tab_json(svytable(fml, d, Ntotal = 1))),
    unweighted = c(list(call = sprintf("table(%s, %s)", tb$row, tb$col)), tab_json(table(rv, cv))),
    svychisq = tests
  )
}

## ---- errors ---------------------------------------------------------------------------------
## Grouped by district, each JK1 replicate (one district deleted) leaves some group without rows,
## so every replicate has an NA and svrVar stops.
err <- function(expr) tryCatch({ expr; NA }, error = function(e) conditionMessage(e))
errors <- list(
  allReplicatesNA = list(
    call = "svyby(~api00, ~dnum, rclus1, svymean, covmat=TRUE)",
    message = err(suppressWarnings(svyby(~api00, ~dnum, make_rep("rclus1", FALSE), svymean, covmat = TRUE))))
)

lin <- unique(unlist(lapply(rep_specs, function(s) if (s$from == "design") s$design else NULL)))
reps <- lapply(names(rep_specs), rep_json)
names(reps) <- names(rep_specs)

write_ref(list(
  meta = meta("replicate-estimates", notes = c(
    "repDesigns: from 'design' = as.svrepdesign(designs[design], type, fay.rho); from 'columns' = svrepdesign(data=<csv>, type, weights, repweights=<regex on column names>) with R's default scale/rscales. Each case sets r$mse <- mse after building.",
    "estimates: the designs.json case layout plus repDesign and mse; deff/deffReplace entries are \"Inf\" where R divides a positive variance by a zero SRS variance (a domain's total of its own level), null for 0/0; subset() drops rows (R's [.svyrep.design) and degf is recomputed on the remaining rows; na.rm=TRUE whenever the variable has NA in the (subset) design, and degf/CI df are those of the design before dropping the NA rows. deff: R's replicate svymean/svytotal deff (n = rows of the design after na.rm).",
    "by: svyby(covmat=TRUE, deff=TRUE, na.rm=TRUE when a variable has NA; this works on replicate designs), the by.json layout; vcov is R's svrVar of the replicates of all groups together (a replicate with NA in any group is dropped for all: 'warnings' records R's); groupDegf = degf(design[group, ]); contrasts: svycontrast(b, weights) keyed by flatNames, ci95_df with df = degf(design).",
    "errors: messages of R's errors reproduced by typed errors.",
    "tables: svytable(~row+col, design) uses R's replicate default Ntotal = sum of the design's sampling weights, so with NA rows the complete-case table is scaled up to the whole weight total (sumWeights); svytableProp: Ntotal=1. svychisq on replicate designs: cell-share covariance from the replicates (svymean of the interaction, na.rm=TRUE), N = nrow(design) (NA rows included), ddf = d0 * degf(design). observed = svytable(..., Ntotal=N)."
  )),
  designs = specs_json(lin),
  repDesigns = reps,
  estimates = estimates,
  by = by_cases,
  tables = table_cases,
  errors = errors
), "replicate-estimates")
