## Weighting a domain: postStratify, rake, calibrate and trimWeights of subset(design, ...) on
## linearization and replicate designs (R's subset() drops the other rows, so only the domain's
## respondents are weighted) -> weighting-domain.json
## Run from the repository root: Rscript test/reference/weighting-domain.R
.ref_dir <- local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
})
source(file.path(.ref_dir, "common.R"))
source(file.path(.ref_dir, "weighting-common.R"))

CAL_EPS <- 1e-13
RAKE_SWEEPS <- list(maxit = 100, epsilon = 0)   # see weighting-replicate.R
rake_sweeps <- function(...) suppressWarnings(rake(..., control = RAKE_SWEEPS))

dclus1 <- make_design("dclus1")
dpoll <- make_design("dpoll")
rclus1 <- as.svrepdesign(dclus1, type = "JK1")
rpoll <- as.svrepdesign(dpoll, type = "JKn")
bases <- list(dclus1 = dclus1, dpoll = dpoll, rclus1 = rclus1, rpoll = rpoll)
rep_specs <- list(
  rclus1 = list(name = "rclus1", from = "design", design = "dclus1", type = "JK1",
                rcall = "as.svrepdesign(dclus1, type=\"JK1\")"),
  rpoll = list(name = "rpoll", from = "design", design = "dpoll", type = "JKn",
               rcall = "as.svrepdesign(dpoll, type=\"JKn\")")
)

## populations: api_margins, poll_margins, poll_cells (weighting-common.R), and
compimp_margin <- list(variable = "comp.imp", population = list(No = 2000, Yes = 4194))
API99_TOTAL <- 3914069

## Estimates on the weighted design (the domain) and on a domain of it, with mse FALSE and TRUE
## on replicate designs.
api_est <- list(
  est_spec("mean", "api00"), est_spec("total", "enroll"), est_spec("total", "stype"),
  est_spec("mean", "comp.imp"), est_spec("mean", "api00", list(cond("stype", "==", "E"))),
  est_spec("total", "enroll", list(cond("comp.imp", "==", "Yes")))
)
poll_est <- list(
  est_spec("mean", "support"), est_spec("total", "support"), est_spec("mean", "income"),
  est_spec("total", "sex"), est_spec("mean", "attitude"),
  est_spec("mean", "support", list(cond("agegroup", "==", "60+")))
)
estimate <- function(design, e) {
  d <- apply_subset(design, e$subset)
  x <- d$variables[[e$variable]]
  naRm <- any(is.na(x[weights(d, "sampling") != 0]))
  f <- as.formula(paste0("~`", e$variable, "`"))
  FUN <- if (e$statistic == "mean") svymean else svytotal
  rep <- inherits(d, "svyrep.design")
  r <- FUN(f, d, na.rm = naRm)
  out <- list(statistic = e$statistic, variable = e$variable,
              subset = if (is.null(e$subset)) NA else e$subset, naRm = naRm,
              call = sprintf("%s(~%s, %s%s)", if (e$statistic == "mean") "svymean" else "svytotal", e$variable,
                             if (is.null(e$subset)) "d" else sprintf("subset(d, %s)", subset_rexpr(e$subset)),
                             if (naRm) ", na.rm=TRUE" else ""),
              levels = if (is.factor(x)) strs(levels(x)) else NA,
              estimate = vec(coef(r)), se = vec(SE(r)))
  if (rep) {
    d$mse <- TRUE
    out$seMse <- vec(SE(FUN(f, d, na.rm = naRm)))
  }
  out
}

cases <- list()
## base: a design of `bases`; domain: the subset weighted; weigh: function(subset design) -> weighted
add_case <- function(id, base, domain, method, call, params, weigh, ests) {
  b <- bases[[base]]
  s <- apply_subset(b, domain)
  d <- weigh(s)
  rows <- which(eval(parse(text = subset_rexpr(domain)), b$variables) %in% TRUE)
  stopifnot(length(rows) == length(weights(d, "sampling")))
  cases[[length(cases) + 1]] <<- list(
    id = id, base = base, domain = domain, method = method, call = call, params = params,
    rows = vec(rows),
    weights = vec(weights(d, "sampling")),
    degf = degf(d),
    replicateColSums = if (inherits(d, "svyrep.design")) vec(colSums(as.matrix(weights(d, "analysis")))) else NA,
    estimates = lapply(ests, function(e) estimate(d, e))
  )
}

yes <- list(cond("sch.wide", "==", "Yes"))
not_north <- list(cond("region", "!=", "North"))
answered <- list(cond("support", "notNA"))
api_ps <- margin_df(api_margins[[1]])
for (base in c("dclus1", "rclus1")) {
  ## the brief's case: apiclus1 schools with sch.wide == "Yes", post-stratified by stype
  add_case(sprintf("%s[sch.wide==Yes]-poststratify-stype", base), base, yes, "postStratify",
           sprintf("postStratify(subset(%s, sch.wide == \"Yes\"), ~stype, pop.types)", base),
           list(variables = strs("stype"), population = cells_json(api_ps, "stype")),
           function(s) postStratify(s, ~stype, api_ps), api_est)
  ms <- list(api_margins[[1]], compimp_margin)
  add_case(sprintf("%s[sch.wide==Yes]-rake-stype-compimp", base), base, yes, "rake",
           sprintf("rake(subset(%s, sch.wide == \"Yes\"), list(~stype, ~comp.imp), ..., control = list(maxit = 100, epsilon = 0))", base),
           list(margins = margins_json(ms)),
           function(s) rake_sweeps(s, margin_formulas(ms), margin_dfs(ms)), api_est)
  for (cf in list(list(calfun = "linear", bounds = NULL), list(calfun = "raking", bounds = c(0.4, 3)),
                  list(calfun = "logit", bounds = c(0.4, 3.5)))) {
    b <- if (is.null(cf$bounds)) c(-Inf, Inf) else cf$bounds
    add_case(sprintf("%s[sch.wide==Yes]-calibrate-%s", base, cf$calfun), base, yes, "calibrate",
             sprintf("calibrate(subset(%s, sch.wide == \"Yes\"), list(~stype, ~comp.imp), ..., calfun = \"%s\"%s)", base, cf$calfun,
                     if (is.null(cf$bounds)) "" else sprintf(", bounds = c(%s, %s)", cf$bounds[1], cf$bounds[2])),
             list(margins = margins_json(ms), calfun = cf$calfun, bounds = if (is.null(cf$bounds)) NA else vec(cf$bounds)),
             function(s) {
               args <- list(s, margin_formulas(ms), margin_dfs(ms), calfun = cf$calfun, bounds = b,
                            epsilon = CAL_EPS, maxit = 100)
               if (inherits(s, "svyrep.design")) args$compress <- FALSE
               do.call(calibrate, args)
             }, api_est)
  }
  tot <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, comp.impYes = 4194, api99 = API99_TOTAL)
  add_case(sprintf("%s[sch.wide==Yes]-calibrate-linear-api99", base), base, yes, "calibrate",
           sprintf("calibrate(subset(%s, sch.wide == \"Yes\"), ~stype + comp.imp + api99, c(..., api99 = %d))", base, API99_TOTAL),
           list(margins = margins_json(ms), calfun = "linear", bounds = NA,
                totals = list(list(variable = "api99", total = API99_TOTAL))),
           function(s) calibrate(s, ~stype + comp.imp + api99, tot, epsilon = CAL_EPS, maxit = 100), api_est)
}
for (base in c("dpoll", "rpoll")) {
  add_case(sprintf("%s[region!=North]-poststratify-sex-agegroup", base), base, not_north, "postStratify",
           sprintf("postStratify(subset(%s, region != \"North\"), ~sex + agegroup, poll_cells)", base),
           list(variables = strs(c("sex", "agegroup")), population = cells_json(poll_cells, c("sex", "agegroup"))),
           function(s) postStratify(s, ~sex + agegroup, poll_cells), poll_est)
  add_case(sprintf("%s[region!=North]-rake-sex-agegroup", base), base, not_north, "rake",
           sprintf("rake(subset(%s, region != \"North\"), list(~sex, ~agegroup), ..., control = list(maxit = 100, epsilon = 0))", base),
           list(margins = margins_json(poll_margins)),
           function(s) rake_sweeps(s, margin_formulas(poll_margins), margin_dfs(poll_margins)), poll_est)
  ## the non-response idiom: the respondents to `support` weighted up to the population cells
  add_case(sprintf("%s[support notNA]-poststratify-sex-agegroup", base), base, answered, "postStratify",
           sprintf("postStratify(subset(%s, !is.na(support)), ~sex + agegroup, poll_cells)", base),
           list(variables = strs(c("sex", "agegroup")), population = cells_json(poll_cells, c("sex", "agegroup"))),
           function(s) postStratify(s, ~sex + agegroup, poll_cells), poll_est)
  ## two steps on one domain: post-stratified on sex, then raked on agegroup and sex
  add_case(sprintf("%s[region!=North]-chain-poststratify-rake", base), base, not_north, "chain",
           sprintf("rake(postStratify(subset(%s, region != \"North\"), ~sex, pop.sex), list(~agegroup, ~sex), ...)", base),
           list(steps = list(
             list(method = "postStratify", variables = strs("sex"), population = cells_json(margin_df(poll_margins[[1]]), "sex")),
             list(method = "rake", margins = margins_json(rev(poll_margins))))),
           function(s) rake_sweeps(postStratify(s, ~sex, margin_df(poll_margins[[1]])),
                                   margin_formulas(rev(poll_margins)), margin_dfs(rev(poll_margins))),
           poll_est)
}
## trimWeights of a domain: the linearization design by R's own trimWeights (survey 4.2's rule,
## with_fixed_trim: the same as 4.1.1's without strict); the replicate
## design by the rule R 4.1.1's broken trimWeights.svyrep.design means (trim_design,
## weighting-common.R), on the domain's rows
for (tc in list(list(lower = 300, upper = 1800, strict = FALSE), list(lower = 300, upper = 1800, strict = TRUE))) {
  for (base in c("dpoll", "rpoll")) {
    add_case(sprintf("%s[region!=North]-trim-%s-%s%s", base, tc$lower, tc$upper, if (tc$strict) "-strict" else ""),
             base, not_north, "trimWeights",
             sprintf("trimWeights(subset(%s, region != \"North\"), lower = %s, upper = %s, strict = %s)%s", base,
                     tc$lower, tc$upper, tc$strict, if (base == "rpoll") " (the rule; see notes)" else ""),
             list(lower = tc$lower, upper = tc$upper, strict = tc$strict),
             function(s) if (inherits(s, "svyrep.design")) trim_design(s, tc$lower, tc$upper, tc$strict)
                         else with_fixed_trim(trimWeights(s, lower = tc$lower, upper = tc$upper, strict = tc$strict)),
             poll_est)
  }
}

## ---- survey's tests/toy_example_for_postStratify.R ------------------------------------------
## Ten people, two classes, eight respond; jackknife replicate weights (1000/9 off the diagonal),
## the rows of the replicate-weight matrix shuffled by a fixed permutation (survey's test draws one
## with sample()). The respondents are post-stratified to the full sample's class totals.
toy <- data.frame(id = 1:10, dummy = 1, class = c(rep("A", 5), rep("B", 5)),
                  responded = c(rep(TRUE, 8), FALSE, FALSE), weight = rep(100, 10))
toy_repweights <- matrix(rep(1000 / 9, 100), nrow = 10)
diag(toy_repweights) <- rep(0, 10)
toy_perm <- c(3, 8, 1, 10, 5, 6, 2, 9, 4, 7)
toy_repweights <- toy_repweights[toy_perm, ]
toy_design <- svrepdesign(variables = toy[, 1:4], weights = toy$weight, repweights = toy_repweights,
                          type = "JK1", scale = 0.9)
poptotals <- as.data.frame(svyby(~dummy, ~class, toy_design, svytotal))
poptotals$Freq <- poptotals$dummy
poptotals$dummy <- NULL
poptotals$se <- NULL
adjusted <- postStratify(subset(toy_design, responded), ~class, poptotals)
toy_by <- svyby(~dummy, ~class, adjusted, svytotal)
toy_total <- svytotal(~dummy, adjusted)
toy_out <- list(
  data = list(id = vec(toy$id), dummy = vec(toy$dummy), class = strs(toy$class),
              responded = vec(as.numeric(toy$responded)), weight = vec(toy$weight)),
  repweights = mat(toy_repweights), scale = 0.9, type = "JK1",
  population = cells_json(poptotals, "class"),
  weights = vec(weights(adjusted, "sampling")),
  replicateColSums = vec(colSums(as.matrix(weights(adjusted, "analysis")))),
  fullSampleColSums = vec(colSums(toy_repweights)),
  byClass = list(estimate = vec(coef(toy_by)), se = vec(SE(toy_by))),
  total = list(estimate = vec(coef(toy_total)), se = vec(SE(toy_total)))
)

write_ref(list(
  meta = meta("weighting-domain", notes = c(
    "cases[]: base (a design below, or repDesigns for rclus1/rpoll), domain (subset conditions), method, params (surveykit's options), the R call; R: the weighting of subset(base, domain), whose rows are the domain's only (subset() drops the others of an uncalibrated survey.design2 and of every svyrep.design)",
    "rows: the 1-based rows of the base design in the domain; weights: the weighted design's sampling weights of those rows, in order (surveykit gives the other rows weight 0); degf: degf() of the weighted design; replicateColSums: colSums of the replicate weights",
    "estimates: svymean/svytotal on the weighted design (estimate, se; seMse with mse = TRUE on replicate designs); subset: a further domain of the weighted design (then R sets weights to 0 and keeps the rows: it is calibrated)",
    "trimWeights on rpoll: R 4.1.1's trimWeights.svyrep.design is broken (see weighting-replicate.json's notes); those cases use the rule it means (trim_design in weighting-common.R) on the domain's rows",
    "rake: control = list(maxit = 100, epsilon = 0) (every replicate at its fixed point; see weighting-replicate.R); calibrate: epsilon = 1e-13, maxit = 100",
    "toy: survey's tests/toy_example_for_postStratify.R with a fixed permutation of the replicate rows: the responded == TRUE rows post-stratified by class to svyby(~dummy, ~class, toy_design, svytotal) (500 and 500); byClass: svyby(~dummy, ~class, adjusted, svytotal); total: svytotal(~dummy, adjusted)"
  )),
  designs = specs_json(c("dclus1", "dpoll")),
  repDesigns = rep_specs,
  cases = cases,
  toy = toy_out
), "weighting-domain")
