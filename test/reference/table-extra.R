## Extra svytable / svychisq references for test/estimate/table.test.ts (cases table.json does
## not cover): domains (subset designs), a level with no respondent in the domain (R gives NaN;
## the reference is svychisq after droplevels(), with the raw NaN result recorded too), larger tables.
## Run from the repository root: Rscript test/reference/table-extra.R  -> table-extra.json
source(file.path(local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
}), "common.R"))

specs <- list(
  list(id = "dclus1-notH-sch.wide-x-stype", design = "dclus1", subset = list(cond("stype", "!=", "H")),
       row = "sch.wide", col = "stype"),
  list(id = "dstrat-api00gt650-sch.wide-x-stype", design = "dstrat", subset = list(cond("api00", ">", 650)),
       row = "sch.wide", col = "stype"),
  list(id = "dclus2-api99gt600-awards-x-stype", design = "dclus2", subset = list(cond("api99", ">", 600)),
       row = "awards", col = "stype"),
  list(id = "dpoll-agegroup-x-attitude", design = "dpoll", subset = NULL, row = "agegroup", col = "attitude"),
  list(id = "dpoll-North-attitude-x-agegroup", design = "dpoll", subset = list(cond("region", "==", "North")),
       row = "attitude", col = "agegroup"),
  list(id = "dpoll2-region-x-attitude", design = "dpoll2", subset = NULL, row = "region", col = "attitude")
)

tab_json <- function(t) {
  t <- unclass(t)
  list(rowLevels = strs(dimnames(t)[[1]]), colLevels = strs(dimnames(t)[[2]]), values = mat(matrix(t, nrow(t), ncol(t))))
}
htest_json <- function(h) list(
  statistic = as.numeric(h$statistic),
  parameter = as.list(setNames(as.numeric(h$parameter), names(h$parameter))),
  p.value = as.numeric(h$p.value), method = h$method)

cases <- lapply(specs, function(sp) {
  d <- apply_subset(make_design(sp$design), sp$subset)
  fml <- as.formula(sprintf("~%s+%s", sp$row, sp$col))
  counts <- svytable(fml, d)
  rv <- d$variables[[sp$row]]; cv <- d$variables[[sp$col]]
  raw <- suppressWarnings(list(F = svychisq(fml, d), Chisq = svychisq(fml, d, statistic = "Chisq")))
  ## the same with levels absent from the domain dropped
  dd <- d
  dd$variables[[sp$row]] <- droplevels(dd$variables[[sp$row]])
  dd$variables[[sp$col]] <- droplevels(dd$variables[[sp$col]])
  dropped <- list(row = setdiff(levels(rv), levels(dd$variables[[sp$row]])),
                  col = setdiff(levels(cv), levels(dd$variables[[sp$col]])))
  chisq <- suppressWarnings(list(F = svychisq(fml, dd), Chisq = svychisq(fml, dd, statistic = "Chisq")))
  list(
    id = sp$id, design = sp$design, subset = if (is.null(sp$subset)) NA else sp$subset,
    row = sp$row, col = sp$col,
    call = sprintf("svychisq(%s, %s)", deparse(fml),
                   if (is.null(sp$subset)) sp$design else sprintf("subset(%s, %s)", sp$design, subset_rexpr(sp$subset))),
    n = sum(!is.na(rv) & !is.na(cv)), nMissing = sum(is.na(rv) | is.na(cv)),
    svytable = tab_json(counts),
    unweighted = tab_json(table(rv, cv)),
    droppedLevels = list(row = strs(dropped$row), col = strs(dropped$col)),
    raw = lapply(raw, htest_json),
    F = htest_json(chisq$F),
    Chisq = htest_json(chisq$Chisq)
  )
})

out <- list(
  meta = meta("table-extra", notes = c(
    "svytable: svytable(~row+col, design) on the (subset) design; all factor levels, zero where empty",
    "F / Chisq: svychisq on the design after droplevels() of both variables (levels with no respondent in the domain dropped)",
    "raw: svychisq without droplevels (NaN when a level is empty in the domain); droppedLevels: the levels dropped",
    "Chisq statistic is R's 'X-squared' (unadjusted Pearson X^2 on the table scaled to the rows of the design); its p-value uses X^2/mean(eigenvalues)"
  )),
  designs = specs_json(sapply(specs, `[[`, "design")),
  cases = cases
)
write_ref(out, "table-extra")
