## svyby with covmat=TRUE and svycontrast on the result -> by.json
## Run from the repository root: Rscript test/reference/by.R
source(file.path(local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
}), "common.R"))

## contrasts: list of list(name, weights = named numeric (names = flat coef names)) or expr (nonlinear)
specs <- list(
  list(id = "dclus1-mean-api00-by-stype", design = "dclus1", vars = "api00", by = "stype", stat = "mean",
       contrasts = list(
         list(name = "E-H", weights = c(E = 1, H = -1)),
         list(name = "E-(H+M)/2", weights = c(E = 1, H = -0.5, M = -0.5)),
         list(name = "M-E", weights = c(E = -1, H = 0, M = 1)),
         list(name = "E/H", expr = "E/H"))),
  list(id = "dclus1-mean-api00-by-stype+sch.wide", design = "dclus1", vars = "api00", by = c("stype", "sch.wide"), stat = "mean",
       contrasts = list(
         list(name = "E.Yes-E.No", weights = c(E.Yes = 1, E.No = -1)),
         list(name = "(E.Yes-E.No)-(M.Yes-M.No)", weights = c(E.Yes = 1, E.No = -1, M.Yes = -1, M.No = 1)))),
  list(id = "dclus1-mean-sch.wide-by-stype", design = "dclus1", vars = "sch.wide", by = "stype", stat = "mean",
       contrasts = list(list(name = "E:sch.wideYes-H:sch.wideYes", weights = c(`E:sch.wideYes` = 1, `H:sch.wideYes` = -1)))),
  list(id = "dclus1-total-enroll-by-stype", design = "dclus1", vars = "enroll", by = "stype", stat = "total",
       contrasts = list(list(name = "E+H+M", weights = c(E = 1, H = 1, M = 1)),
                        list(name = "E-H", weights = c(E = 1, H = -1)))),
  list(id = "dclus1-mean-api00+enroll-by-stype", design = "dclus1", vars = c("api00", "enroll"), by = "stype", stat = "mean",
       contrasts = list(list(name = "E:api00-H:api00", weights = c(`E:api00` = 1, `H:api00` = -1)))),
  list(id = "dclus1-total-sch.wide-by-stype", design = "dclus1", vars = "sch.wide", by = "stype", stat = "total", contrasts = list()),
  list(id = "dstrat-mean-api00-by-stype", design = "dstrat", vars = "api00", by = "stype", stat = "mean",
       contrasts = list(list(name = "E-H", weights = c(E = 1, H = -1)))),
  list(id = "dstrat-mean-api00-by-sch.wide", design = "dstrat", vars = "api00", by = "sch.wide", stat = "mean",
       contrasts = list(list(name = "Yes-No", weights = c(Yes = 1, No = -1)))),
  list(id = "dclus2-mean-enroll-by-stype", design = "dclus2", vars = "enroll", by = "stype", stat = "mean",
       contrasts = list(list(name = "E-M", weights = c(E = 1, M = -1)))),
  list(id = "dclus2-mean-api00-by-stype", design = "dclus2", vars = "api00", by = "stype", stat = "mean",
       contrasts = list(list(name = "E-M", weights = c(E = 1, M = -1)))),
  list(id = "dpoll-mean-support-by-region", design = "dpoll", vars = "support", by = "region", stat = "mean",
       contrasts = list(list(name = "Capital-North", weights = c(Capital = 1, North = -1)),
                        list(name = "Capital-mean(others)", weights = c(Capital = 1, Central = -0.2, East = -0.2, North = -0.2, South = -0.2, West = -0.2)))),
  list(id = "dpoll-mean-support-by-sex", design = "dpoll", vars = "support", by = "sex", stat = "mean",
       contrasts = list(list(name = "Female-Male", weights = c(Female = 1, Male = -1)))),
  list(id = "dpoll-mean-income-by-agegroup", design = "dpoll", vars = "income", by = "agegroup", stat = "mean",
       contrasts = list(list(name = "60+ - 18-29", weights = c(`60+` = 1, `18-29` = -1)))),
  list(id = "dpoll-mean-attitude-by-sex", design = "dpoll", vars = "attitude", by = "sex", stat = "mean",
       contrasts = list(list(name = "Female:attitudePositive-Male:attitudePositive",
                             weights = c(`Female:attitudePositive` = 1, `Male:attitudePositive` = -1)))),
  list(id = "dpoll-total-support-by-region", design = "dpoll", vars = "support", by = "region", stat = "total", contrasts = list()),
  list(id = "dpoll2-mean-support-by-region", design = "dpoll2", vars = "support", by = "region", stat = "mean",
       contrasts = list(list(name = "Capital-North", weights = c(Capital = 1, North = -1)))),
  list(id = "dpoll-mean-support-by-region+sex", design = "dpoll", vars = "support", by = c("region", "sex"), stat = "mean",
       contrasts = list(list(name = "Capital.Female-Capital.Male", weights = c(Capital.Female = 1, Capital.Male = -1))))
)

contrast_json <- function(b, ct) {
  if (!is.null(ct$expr)) {
    r <- svycontrast(b, parse(text = ct$expr)[[1]])
    w <- NA
    call <- sprintf("svycontrast(b, quote(%s))", ct$expr)
  } else {
    stopifnot(all(names(ct$weights) %in% names(coef(b))))
    r <- svycontrast(b, ct$weights)
    w <- as.list(ct$weights)
    call <- sprintf("svycontrast(b, c(%s))", paste(sprintf("`%s`=%s", names(ct$weights), format(ct$weights)), collapse = ", "))
  }
  list(name = ct$name, weights = w, expr = if (is.null(ct$expr)) NA else ct$expr, call = call,
       estimate = unname(as.numeric(coef(r))), se = unname(as.numeric(SE(r))),
       ci95 = I(unname(as.numeric(confint(r, level = 0.95)))),
       ci95_df = I(unname(as.numeric(confint(r, level = 0.95, df = degf(attr(b, "design_for_df")))))))
}

cases <- list()
for (sp in specs) {
  d <- make_design(sp$design)
  FUN <- switch(sp$stat, mean = svymean, total = svytotal)
  fx <- as.formula(paste0("~", paste(sp$vars, collapse = "+")))
  fby <- as.formula(paste0("~", paste(sp$by, collapse = "+")))
  narm <- any(sapply(sp$vars, function(v) any(is.na(d$variables[[v]]))))
  sub <- NULL
  if (narm) {
    ## survey 4.1.1: svyby(..., covmat=TRUE, na.rm=TRUE) fails when there are NAs (see meta.notes), so the
    ## NA rows are removed with subset(); estimates and SEs equal svyby(..., na.rm=TRUE) (checked below)
    b_narm <- svyby(fx, fby, d, FUN, na.rm = TRUE)
    sub <- lapply(sp$vars, function(v) cond(v, "notNA"))
    d <- apply_subset(d, sub)
  }
  b <- svyby(fx, fby, d, FUN, covmat = TRUE, deff = TRUE)
  if (narm) stopifnot(isTRUE(all.equal(coef(b), coef(b_narm), tolerance = 1e-12)),
                      isTRUE(all.equal(SE(b), SE(b_narm), tolerance = 1e-12)))
  dexpr <- if (is.null(sub)) sp$design else sprintf("subset(%s, %s)", sp$design, subset_rexpr(sub))
  attr(b, "design_for_df") <- d
  cf <- coef(b)
  V <- vcov(b)
  stopifnot(identical(names(cf), rownames(V)))
  ## groups in R's row order
  gdf <- as.data.frame(b)[, sp$by, drop = FALSE]
  glabels <- rownames(b)
  ngr <- nrow(gdf)
  ## estimate column names (e.g. "api00" or "sch.wideNo")
  est_cols <- attr(b, "svyby")$variables
  nv <- length(est_cols)
  est <- matrix(as.matrix(as.data.frame(b)[, est_cols, drop = FALSE]), ngr, nv)
  se <- matrix(as.matrix(SE(b)), ngr, nv)
  df_ <- as.data.frame(b)
  deff_cols <- grep("^DEff", names(df_), value = TRUE)
  dmat <- if (length(deff_cols) == nv) matrix(as.matrix(df_[, deff_cols, drop = FALSE]), ngr, nv) else NULL
  ## flat (coef/vcov) order: R's coef(svyby) is variable-major: all groups for column 1, then column 2, ...
  flat_idx <- lapply(seq_len(nv * ngr), function(k) I(c((k - 1) %% ngr, (k - 1) %/% ngr)))
  stopifnot(isTRUE(all.equal(unname(cf), as.vector(est))))
  ## unweighted counts per group: rows in design, and non-missing rows per variable
  gkey <- interaction(d$variables[sp$by], drop = TRUE, sep = ".")
  nrows <- sapply(glabels, function(g) sum(gkey == g))
  nnm <- sapply(sp$vars, function(v) sapply(glabels, function(g) sum(gkey == g & !is.na(d$variables[[v]]))))
  nnm <- matrix(nnm, ngr, length(sp$vars))
  cases[[length(cases) + 1]] <- list(
    id = sp$id,
    design = sp$design,
    subset = if (is.null(sub)) NA else sub,
    call = sprintf("svyby(%s, %s, %s, svy%s, covmat=TRUE, deff=TRUE)", deparse(fx), deparse(fby), dexpr, sp$stat),
    statistic = sp$stat,
    variables = strs(sp$vars),
    by = strs(sp$by),
    naRm = narm,
    groups = lapply(seq_len(ngr), function(i) as.list(setNames(as.character(unlist(gdf[i, ])), sp$by))),
    groupLabels = strs(glabels),
    estimateNames = strs(est_cols),
    estimate = mat(est),
    se = mat(se),
    deff = if (is.null(dmat)) NA else mat(dmat),
    flatNames = strs(names(cf)),
    flatIndex = flat_idx,
    vcov = mat(V),
    ci95 = ivals(confint(b, level = 0.95)),
    ci90 = ivals(confint(b, level = 0.90)),
    ci95_df = ivals(confint(b, level = 0.95, df = degf(d))),
    degf = degf(d),
    nRows = vec(nrows),
    n = mat(nnm),
    contrasts = lapply(sp$contrasts, function(ct) contrast_json(b, ct))
  )
}

out <- list(
  meta = meta("by", notes = c(
    "groups/groupLabels: R's row order of the svyby result (first grouping variable varies fastest; only combinations present in the data)",
    "groupLabels join the group values with '.' (e.g. 'E.No'); flatNames are R's coef names: group label alone when a single estimate column, else '<group>:<column>'",
    "estimateNames: estimate columns (variable name for numeric variables; variable name + level for factors, e.g. 'sch.wideNo')",
    "estimate/se/deff: matrices [group][estimateColumn]",
    "flat order (vcov, ci95, ci90, ci95_df): variable-major, k = col*nGroups + group; flatIndex[k] = [group, col] (0-based)",
    "ci95/ci90: df=Inf; ci95_df: df=degf(design)",
    "n: [group][variable] count of non-missing rows; nRows: rows per group",
    "contrasts: svycontrast(b, weights) with weights keyed by flatNames (missing keys = 0); or a nonlinear expr (delta method) in the flat names",
    "variables with NA: survey 4.1.1 svyby(..., covmat=TRUE, na.rm=TRUE) stops with 'number of items to replace is not a multiple of replacement length', so such cases run svyby on subset(design, !is.na(var)) (field subset); estimate and se equal svyby(..., na.rm=TRUE) without covmat; degf is that of the subset design"
  )),
  designs = specs_json(sapply(specs, `[[`, "design")),
  cases = cases
)
write_ref(out, "by")
