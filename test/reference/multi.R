## Several variables at once, and n-way tables -> multi.json
##   means: svymean / svytotal of ~a + b (+ c), na.rm = TRUE, with vcov and an svycontrast
##   tables: svytable of ~a + b (+ c), svytotal and svymean of ~interaction(a, b, c) (cell counts
##           and shares with SEs and vcov), svyby(~interaction(others), ~within, svymean) (shares
##           within margins) and an svycontrast of two cells' shares
## Run from the repository root: Rscript test/reference/multi.R
source(file.path(local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
}), "common.R"))

## Designs: the registry's, plus replicate and post-stratified versions built here.
## rep: as.svrepdesign(<design>, type); ps: postStratify(<design>, ~stype, population of apiclus1's
## stype counts in the api population (E 4421, H 755, M 1018)).
stype_pop <- data.frame(stype = factor(c("E", "H", "M"), levels = c("E", "H", "M")), Freq = c(4421, 755, 1018))
build <- function(spec) {
  d <- make_design(spec$design)
  if (!is.null(spec$rep)) d <- as.svrepdesign(d, type = spec$rep)
  if (isTRUE(spec$mse)) d$mse <- TRUE
  if (isTRUE(spec$ps)) d <- postStratify(d, ~stype, stype_pop)
  apply_subset(d, spec$subset)
}
design_expr <- function(spec) {
  e <- spec$design
  if (!is.null(spec$rep)) e <- sprintf("as.svrepdesign(%s, type=\"%s\")%s", e, spec$rep, if (isTRUE(spec$mse)) " (mse=TRUE)" else "")
  if (isTRUE(spec$ps)) e <- sprintf("postStratify(%s, ~stype, stype_pop)", e)
  if (!is.null(spec$subset)) e <- sprintf("subset(%s, %s)", e, subset_rexpr(spec$subset))
  e
}
dspec <- function(design, subset = NULL, rep = NULL, mse = FALSE, ps = FALSE)
  list(design = design, subset = subset, rep = rep, mse = mse, ps = ps)
spec_out <- function(s) list(design = s$design, subset = if (is.null(s$subset)) NA else s$subset,
                             rep = if (is.null(s$rep)) NA else s$rep, mse = s$mse, postStratify = s$ps)

## ---- svymean / svytotal of several variables ------------------------------------------
mean_targets <- list(
  list(spec = dspec("dclus1"), vars = c("api00", "enroll")),
  list(spec = dspec("dclus1"), vars = c("api00", "stype")),
  list(spec = dspec("dclus1"), vars = c("stype", "sch.wide", "awards")),
  list(spec = dspec("dstrat"), vars = c("sch.wide", "api00")),
  list(spec = dspec("dclus2"), vars = c("api00", "enroll", "awards")),          # enroll has NA
  list(spec = dspec("dpoll"), vars = c("income", "attitude")),                  # both have NA
  list(spec = dspec("dpoll"), vars = c("support", "agegroup", "income")),
  list(spec = dspec("dpoll2"), vars = c("support", "sex")),
  list(spec = dspec("dclus1", subset = list(cond("stype", "!=", "E"))), vars = c("api00", "sch.wide")),
  list(spec = dspec("dpoll", subset = list(cond("region", "==", "North"))), vars = c("attitude", "income")),
  list(spec = dspec("dclus1", ps = TRUE), vars = c("api00", "sch.wide")),
  list(spec = dspec("dclus1", ps = TRUE, subset = list(cond("comp.imp", "==", "Yes"))), vars = c("enroll", "stype")),
  list(spec = dspec("dclus1", rep = "JK1"), vars = c("api00", "stype")),
  list(spec = dspec("dclus1", rep = "JK1", mse = TRUE), vars = c("sch.wide", "enroll")),
  list(spec = dspec("dstrat", rep = "JKn"), vars = c("api00", "awards", "stype")),
  list(spec = dspec("dpoll", rep = "JKn"), vars = c("income", "attitude"))
)

means <- list()
for (tg in mean_targets) {
  d <- build(tg$spec)
  f <- as.formula(paste("~", paste(tg$vars, collapse = " + ")))
  inset <- weights(d, "sampling") != 0
  complete <- Reduce(`&`, lapply(tg$vars, function(v) !is.na(d$variables[[v]])))
  for (st in c("mean", "total")) {
    FUN <- switch(st, mean = svymean, total = svytotal)
    r <- FUN(f, d, na.rm = TRUE, deff = !inherits(d, "svyrep.design") && !isTRUE(tg$spec$ps))
    nm <- names(coef(r))
    ## a contrast between the first and the last estimate
    cc <- setNames(rep(0, length(nm)), nm)
    cc[1] <- 1
    cc[length(nm)] <- -1
    k <- svycontrast(r, cc)
    means[[length(means) + 1]] <- list(
      id = sprintf("%s-%s-%s", design_expr(tg$spec), st, paste(tg$vars, collapse = "+")),
      spec = spec_out(tg$spec),
      call = sprintf("svy%s(%s, %s, na.rm=TRUE)", st, deparse(f), design_expr(tg$spec)),
      statistic = st, variables = strs(tg$vars),
      names = strs(nm),
      n = sum(complete[inset]), nMissing = sum(!complete[inset]),
      nMissingByVariable = lapply(setNames(tg$vars, tg$vars), function(v) sum(is.na(d$variables[[v]][inset]))),
      estimate = vec(coef(r)), se = vec(SE(r)), vcov = mat(vcov(r)),
      deff = if (is.null(attr(r, "deff"))) NA else vec(diag(as.matrix(attr(r, "deff")))),
      contrast = list(coefficients = as.list(cc[cc != 0]), estimate = unname(as.numeric(coef(k))), se = unname(as.numeric(SE(k))))
    )
  }
}

## ---- n-way tables ----------------------------------------------------------------------
table_targets <- list(
  list(spec = dspec("dclus1"), vars = c("stype", "sch.wide", "awards"), within = "stype"),
  list(spec = dspec("dclus1_nofpc"), vars = c("sch.wide", "stype"), within = "stype"),
  list(spec = dspec("dstrat"), vars = c("awards", "sch.wide", "stype"), within = c("stype", "sch.wide")),
  list(spec = dspec("dclus2"), vars = c("stype", "awards"), within = "awards"),
  list(spec = dspec("dpoll"), vars = c("attitude", "sex"), within = "sex"),            # attitude has NA
  list(spec = dspec("dpoll"), vars = c("support", "agegroup", "sex"), within = "agegroup"),  # numeric 0/1 with NA
  list(spec = dspec("dpoll2"), vars = c("attitude", "region"), within = "region"),
  list(spec = dspec("dpoll", subset = list(cond("region", "!=", "North"))), vars = c("agegroup", "sex"), within = "sex"),
  list(spec = dspec("dclus1", ps = TRUE), vars = c("sch.wide", "awards"), within = "awards"),
  list(spec = dspec("dclus1", rep = "JK1"), vars = c("stype", "sch.wide"), within = "stype"),
  list(spec = dspec("dclus1", rep = "JK1", mse = TRUE), vars = c("awards", "stype"), within = "stype"),
  list(spec = dspec("dpoll", rep = "JKn"), vars = c("attitude", "sex", "agegroup"), within = c("sex"))
)

iexpr <- function(vars) sprintf("interaction(%s)", paste(vars, collapse = ", "))
tables <- list()
for (tg in table_targets) {
  d <- build(tg$spec)
  vars <- tg$vars
  inset <- weights(d, "sampling") != 0
  complete <- Reduce(`&`, lapply(vars, function(v) !is.na(d$variables[[v]])))
  ## interaction() of the variables: all level combinations, the first varying fastest
  d <- update(d, cell = eval(parse(text = iexpr(vars))))
  cell_levels <- levels(d$variables$cell)
  tot <- svytotal(~cell, d, na.rm = TRUE)
  shr <- svymean(~cell, d, na.rm = TRUE)
  tab <- svytable(as.formula(paste("~", paste(vars, collapse = " + "))), d)
  ## within: svyby of the other variables' interaction by the within variables
  others <- setdiff(vars, tg$within)
  d <- update(d, other = eval(parse(text = iexpr(others))))
  by <- svyby(~other, as.formula(paste("~", paste(tg$within, collapse = " + "))), d, svymean, na.rm = TRUE)
  bcoef <- coef(by)
  bse <- sqrt(diag(as.matrix(vcov(by))))
  names(bse) <- names(bcoef)
  ## each cell's name in svyby's output: "<within levels>:other<other levels>"
  split_cell <- function(lab) strsplit(lab, ".", fixed = TRUE)[[1]]
  within_name <- function(lab) {
    parts <- setNames(split_cell(lab), vars)
    sprintf("%s:other%s", paste(parts[tg$within], collapse = "."), paste(parts[others], collapse = "."))
  }
  wn <- vapply(cell_levels, within_name, "")
  ## a contrast: the first cell's share minus the last's
  cc <- setNames(rep(0, length(cell_levels)), names(coef(shr)))
  cc[1] <- 1
  cc[length(cc)] <- -1
  k <- svycontrast(shr, cc)
  tables[[length(tables) + 1]] <- list(
    id = sprintf("%s-%s", design_expr(tg$spec), paste(vars, collapse = "x")),
    spec = spec_out(tg$spec),
    variables = strs(vars), within = strs(tg$within),
    calls = list(counts = sprintf("svytotal(~%s, %s, na.rm=TRUE)", iexpr(vars), design_expr(tg$spec)),
                 shares = sprintf("svymean(~%s, %s, na.rm=TRUE)", iexpr(vars), design_expr(tg$spec)),
                 table = sprintf("svytable(~%s, %s)", paste(vars, collapse = " + "), design_expr(tg$spec)),
                 within = sprintf("svyby(~%s, ~%s, %s, svymean, na.rm=TRUE)", iexpr(others),
                                  paste(tg$within, collapse = " + "), design_expr(tg$spec))),
    cells = strs(cell_levels),
    n = sum(complete[inset]), nMissing = sum(!complete[inset]),
    cellN = vec(table(factor(d$variables$cell[inset & complete], levels = cell_levels))),
    count = vec(coef(tot)), countSe = vec(SE(tot)), countVcov = mat(vcov(tot)),
    share = vec(coef(shr)), shareSe = vec(SE(shr)), shareVcov = mat(vcov(shr)),
    svytable = vec(as.vector(tab)),
    withinShare = vec(ifelse(wn %in% names(bcoef), bcoef[wn], NA)),
    withinShareSe = vec(ifelse(wn %in% names(bse), bse[wn], NA)),
    contrast = list(first = cell_levels[1], last = cell_levels[length(cell_levels)],
                    estimate = unname(as.numeric(coef(k))), se = unname(as.numeric(SE(k))))
  )
}

out <- list(
  meta = meta("multi", notes = c(
    "means[]: svymean/svytotal of several variables with na.rm=TRUE (a row missing any variable is dropped for all); names are R's coefficient names (numeric: the variable; factor: variable + level); n/nMissing count the domain's rows (weight != 0) with all / not all variables; nMissingByVariable per variable",
    "means[].deff: deff=TRUE (without replacement) on linearization designs that are not post-stratified; null otherwise",
    "means[].contrast: svycontrast of the first minus the last estimate",
    "spec: design (registry name), subset, rep (as.svrepdesign type; mse: r$mse <- TRUE), postStratify (postStratify(<design>, ~stype, data.frame(stype = E/H/M, Freq = 4421/755/1018)) before the subset)",
    "tables[]: cells = levels of interaction(vars) (first variable fastest, all combinations); count/share = svytotal/svymean(~interaction(vars), na.rm=TRUE) with SE and vcov; svytable = svytable(~vars) in the same cell order (on replicate designs scaled to the design's weight total when rows have NA, unlike count); cellN = respondents per cell",
    "tables[].withinShare/withinShareSe: svyby(~interaction(others), ~within, svymean, na.rm=TRUE) per cell (null when the cell's margin has no respondent)",
    "tables[].contrast: svycontrast of the shares, first cell minus last cell"
  )),
  designs = specs_json(unique(c(sapply(mean_targets, function(t) t$spec$design), sapply(table_targets, function(t) t$spec$design)))),
  means = means,
  tables = tables
)
write_ref(out, "multi")
