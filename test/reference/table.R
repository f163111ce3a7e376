## svytable, svychisq, and cell shares (svymean/svytotal of the interaction) -> table.json
## Run from the repository root: Rscript test/reference/table.R
source(file.path(local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
}), "common.R"))

statistics <- eval(formals(survey:::svychisq.survey.design)$statistic)  # F Chisq Wald adjWald lincom saddlepoint
has_cqf <- requireNamespace("CompQuadForm", quietly = TRUE)

tables <- list(
  list(design = "dclus1", row = "sch.wide", col = "stype"),
  list(design = "dclus1_nofpc", row = "sch.wide", col = "stype"),
  list(design = "dclus1", row = "comp.imp", col = "stype"),
  list(design = "dstrat", row = "sch.wide", col = "stype"),
  list(design = "dclus2", row = "sch.wide", col = "stype"),
  list(design = "dclus2", row = "awards", col = "stype"),
  list(design = "dpoll", row = "attitude", col = "sex"),
  list(design = "dpoll", row = "agegroup", col = "sex"),
  list(design = "dpoll", row = "attitude", col = "region"),
  list(design = "dpoll2", row = "attitude", col = "sex")
)

tab_json <- function(t) {
  t <- unclass(t)
  list(rowLevels = strs(dimnames(t)[[1]]), colLevels = strs(dimnames(t)[[2]]), values = mat(matrix(t, nrow(t), ncol(t))))
}

run_quiet <- function(expr) {
  warns <- character(0)
  val <- withCallingHandlers(expr, warning = function(w) { warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning") })
  list(value = val, warnings = unique(warns))
}

cases <- list()
for (tb in tables) {
  d <- make_design(tb$design)
  fml <- as.formula(sprintf("~%s+%s", tb$row, tb$col))
  key <- sprintf("%s-%s-x-%s", tb$design, tb$row, tb$col)
  rv <- d$variables[[tb$row]]; cv <- d$variables[[tb$col]]
  ok <- !is.na(rv) & !is.na(cv)
  narm <- any(!ok)

  counts <- svytable(fml, d)
  props <- svytable(fml, d, Ntotal = 1)
  unw <- table(rv, cv)

  tests <- lapply(statistics, function(s) {
    r <- run_quiet(svychisq(fml, d, statistic = s))
    h <- r$value
    par <- if (is.null(h$parameter)) NA else as.list(setNames(as.numeric(h$parameter), names(h$parameter)))
    list(statisticType = s,
         call = sprintf("svychisq(%s, %s, statistic=\"%s\")", deparse(fml), tb$design, s),
         method = h$method,
         statisticName = names(h$statistic),
         statistic = as.numeric(h$statistic),
         parameter = par,
         p.value = as.numeric(h$p.value),
         warnings = I(r$warnings),
         observed = tab_json(h$observed),
         expected = tab_json(h$expected),
         residuals = tab_json(h$residuals),
         stdres = tab_json(h$stdres))
  })

  ## cell shares: interaction(row, col) -> levels "<row>.<col>", row varies fastest
  ifml <- as.formula(sprintf("~interaction(%s, %s)", tb$row, tb$col))
  shares <- lapply(c("mean", "total"), function(st) {
    FUN <- switch(st, mean = svymean, total = svytotal)
    r <- FUN(ifml, d, na.rm = narm)
    lev <- levels(interaction(rv, cv))
    stopifnot(identical(names(coef(r)), paste0(deparse(ifml[[2]]), lev)))
    list(statistic = st,
         call = sprintf("svy%s(%s, %s%s)", st, deparse(ifml), tb$design, if (narm) ", na.rm=TRUE" else ""),
         levels = strs(lev),
         cells = lapply(lev, function(l) { p <- strsplit(l, ".", fixed = TRUE)[[1]]; I(c(paste(head(p, -1), collapse = "."), tail(p, 1))) }),
         estimate = vec(coef(r)), se = vec(SE(r)), vcov = mat(vcov(r)),
         ci95 = ivals(confint(r)), ci95_df = ivals(confint(r, df = degf(d))))
  })

  cases[[length(cases) + 1]] <- list(
    id = key,
    design = tb$design,
    row = tb$row,
    col = tb$col,
    naRm = narm,
    n = sum(ok),
    nMissing = sum(!ok),
    degf = degf(d),
    svytable = c(list(call = sprintf("svytable(%s, %s)", deparse(fml), tb$design)), tab_json(counts)),
    svytableProp = c(list(call = sprintf("svytable(%s, %s, Ntotal=1)", deparse(fml), tb$design)), tab_json(props)),
    unweighted = c(list(call = sprintf("table(%s, %s)", tb$row, tb$col)), tab_json(unw)),
    svychisq = tests,
    shares = shares
  )
}

out <- list(
  meta = meta("table", notes = c(
    "tables: values[i][j] = cell (rowLevels[i], colLevels[j]); rows/cols in factor level order; rows with NA in either variable are dropped",
    "svytableProp: svytable(..., Ntotal=1), cells sum to 1",
    "svychisq: one entry per statistic type; statistic/statisticName as in the htest ('F' or 'X-squared'); parameter: {ndf, ddf} for F types, {df} for Chisq, null for lincom/saddlepoint",
    "svychisq observed/expected/residuals/stdres: the htest components (observed = svytable scaled to Ntotal = number of rows used)",
    paste0("CompQuadForm installed: ", has_cqf, if (!has_cqf) " -> statistic='lincom' falls back to the saddlepoint approximation (warning recorded), so lincom = saddlepoint here" else ""),
    "shares: svymean/svytotal(~interaction(row, col)); levels '<rowLevel>.<colLevel>' with the row variable varying fastest; cells[k] = [rowLevel, colLevel]; ci95 df=Inf, ci95_df df=degf(design)",
    "na.rm=TRUE for shares when either variable has NA (svychisq's default na.rm=TRUE)"
  )),
  designs = specs_json(sapply(tables, `[[`, "design")),
  cases = cases
)
write_ref(out, "table")
