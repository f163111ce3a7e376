## Domain (subset) estimation -> domain.json
## Run from the repository root: Rscript test/reference/domain.R
.ref_dir <- local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
})
source(file.path(.ref_dir, "common.R"))
source(file.path(.ref_dir, "designs.R"))  # estimate_case(), design_summary(); does not write designs.json

api_num <- c("api00", "enroll")
api_fac <- c("sch.wide", "stype")
domains <- list(
  ## survey tests/domain.R: fpc data
  list(design = "dfpc", subset = list(cond("x", ">", 4)), vars = "x"),
  list(design = "dfpc", subset = list(cond("x", "<=", 4)), vars = "x"),
  list(design = "dfpc_fpc", subset = list(cond("x", ">", 4)), vars = "x"),
  ## survey tests/domain.R: apistrat with strata
  list(design = "dstrat", subset = list(cond("comp.imp", "==", "Yes")), vars = c("enroll", "api00")),
  list(design = "dstrat", subset = list(cond("api00", ">", 700)), vars = c(api_num, api_fac)),
  list(design = "dstrat_nofpc", subset = list(cond("api00", ">", 700)), vars = c(api_num, api_fac)),
  list(design = "dclus1", subset = list(cond("stype", "==", "E")), vars = c(api_num, "sch.wide")),
  list(design = "dclus1", subset = list(cond("stype", "!=", "E"), cond("api99", "<=", 650)), vars = c(api_num, api_fac)),
  list(design = "dclus1_nofpc", subset = list(cond("stype", "==", "E")), vars = c(api_num, "sch.wide")),
  list(design = "dclus2", subset = list(cond("stype", "==", "M")), vars = c(api_num, "sch.wide")),
  list(design = "dclus2", subset = list(cond("enroll", "notNA")), vars = c(api_num)),
  list(design = "dclus2_nofpc", subset = list(cond("stype", "==", "M")), vars = c(api_num, "sch.wide")),
  list(design = "dpoll", subset = list(cond("region", "==", "Capital")), vars = c("support", "income", "attitude", "sex")),
  list(design = "dpoll", subset = list(cond("sex", "==", "Female")), vars = c("support", "income", "attitude", "agegroup")),
  list(design = "dpoll", subset = list(cond("age", ">=", 60)), vars = c("support", "income", "attitude", "sex")),
  list(design = "dpoll", subset = list(cond("support", "notNA")), vars = c("support", "income")),
  list(design = "dpoll2", subset = list(cond("region", "==", "Capital")), vars = c("support", "income", "attitude", "sex")),
  list(design = "dpoll2", subset = list(cond("sex", "==", "Female")), vars = c("support", "income", "attitude", "agegroup"))
)

slug <- function(conds) {
  paste(vapply(conds, function(c) {
    op <- switch(c$op, "==" = "eq", "!=" = "ne", ">" = "gt", ">=" = "ge", "<" = "lt", "<=" = "le", notNA = "notNA")
    paste(c(c$var, op, if (c$op != "notNA") as.character(c$value)), collapse = ".")
  }, ""), collapse = "+")
}

cases <- list()
domain_designs <- list()
for (dm in domains) {
  base <- make_design(dm$design)
  d <- apply_subset(base, dm$subset)
  dexpr <- sprintf("subset(%s, %s)", dm$design, subset_rexpr(dm$subset))
  key <- sprintf("%s[%s]", dm$design, slug(dm$subset))
  domain_designs[[length(domain_designs) + 1]] <- list(
    key = key, design = dm$design, subset = dm$subset, rcall = dexpr,
    nrow = nrow(d), degf = degf(d), sumWeights = sum(weights(d)))
  for (v in dm$vars) for (st in c("mean", "total")) {
    id <- sprintf("%s-%s-%s", key, st, v)
    cases[[length(cases) + 1]] <- estimate_case(id, dm$design, d, st, v, design_expr = dexpr, subset = dm$subset)
  }
}

out <- list(
  meta = meta("domain", notes = c(
    "each case: estimator applied to subset(design, <conditions>); subset conditions are ANDed",
    "degf is degf() of the subset design (PSUs with a row in the domain minus strata with a row in the domain)",
    "n / nMissing count rows inside the domain",
    "fields as in designs.json (estimate, se, vcov, deff, deffReplace, ci95, ci90, ci95_df, ci90_df)"
  )),
  designs = specs_json(sapply(domains, `[[`, "design")),
  domains = domain_designs,
  cases = cases
)
write_ref(out, "domain")
