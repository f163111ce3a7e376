## svyratio, svyvar, svyttest and svycontrast with quote() expressions -> estimators.json
##
## On linearization designs (apistrat, apiclus1, apiclus2, the poll), a raked apiclus1 design,
## replicate designs (apiclus1 JK1, apistrat_pairs BRR, the bootstrap columns of
## apiclus1_rep.csv, the poll JKn, a post-stratified JK1), whole and in subset() domains, with
## missing values (enroll in apiclus2; income and support in the poll).
##
## Needs the CSVs of export-data.R and replicate.R (apistrat_pairs.csv, apiclus1_rep.csv).
## Run from the repository root:  Rscript test/reference/estimators.R

.ref_dir <- local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
})
source(file.path(.ref_dir, "common.R"))
source(file.path(.ref_dir, "weighting-common.R"))

design_specs$dpairs20 <- list(data = "apistrat_pairs.csv", ids = list("psu20"), strata = "str20", weights = "pw", probs = NULL, fpc = NULL, nest = FALSE,
                              rcall = "svydesign(id=~psu20, strata=~str20, weights=~pw, data=apistrat_pairs)")

## ---- the designs the cases run on ---------------------------------------------------------
## kind "design": a registry design; "rake": rake(<base>, margins) as weighting.R's RAKE_TIGHT;
## "replicate": a replicate design in the layout of test/helpers/replicate.ts (ReplicateCaseSpec);
## "postStratify": postStratify(<base>, ~variable, population).
RAKE_TIGHT <- list(maxit = 1000, epsilon = 1e-13)
stype_ps <- api_margins[[1]]
analysis_specs <- list(
  dstrat = list(kind = "design", design = "dstrat"),
  dclus1 = list(kind = "design", design = "dclus1"),
  dclus2 = list(kind = "design", design = "dclus2"),
  dpoll = list(kind = "design", design = "dpoll"),
  dclus1_raked = list(kind = "rake", base = "dclus1", margins = margins_json(api_margins),
                      rcall = "rake(dclus1, list(~stype,~sch.wide), list(pop.types, pop.schwide), control=list(maxit=1000, epsilon=1e-13))"),
  rclus1 = list(kind = "replicate", spec = list(id = "rclus1", from = "design", design = "dclus1", mse = FALSE,
                args = list(type = "JK1", rho = NA), rcall = 'as.svrepdesign(dclus1, type="JK1")')),
  rclus1_mse = list(kind = "replicate", spec = list(id = "rclus1_mse", from = "design", design = "dclus1", mse = TRUE,
                    args = list(type = "JK1", rho = NA), rcall = 'as.svrepdesign(dclus1, type="JK1", mse=TRUE)')),
  rpairs = list(kind = "replicate", spec = list(id = "rpairs", from = "design", design = "dpairs20", mse = FALSE,
                args = list(type = "BRR", rho = NA), rcall = 'as.svrepdesign(dpairs20, type="BRR")')),
  rboot = list(kind = "replicate", spec = list(id = "rboot", from = "columns", data = "apiclus1_rep.csv", mse = FALSE,
               args = list(type = "bootstrap", rho = NA, weights = "pw", repweights = "boot_[0-9]+"),
               rcall = 'svrepdesign(data=apiclus1_rep, type="bootstrap", weights=~pw, repweights="boot_[0-9]+")')),
  rpoll = list(kind = "replicate", spec = list(id = "rpoll", from = "design", design = "dpoll", mse = FALSE,
               args = list(type = "JKn", rho = NA), rcall = 'as.svrepdesign(dpoll, type="JKn")')),
  rclus1_ps = list(kind = "postStratify", base = "rclus1", variable = stype_ps$variable, population = stype_ps$population,
                   rcall = "postStratify(rclus1, ~stype, pop.types)")
)

built <- list()
get_design <- function(key) {
  if (!is.null(built[[key]])) return(built[[key]])
  s <- analysis_specs[[key]]
  d <- switch(s$kind,
    design = make_design(s$design),
    rake = rake(get_design(s$base), margin_formulas(api_margins), margin_dfs(api_margins), control = RAKE_TIGHT),
    replicate = {
      p <- s$spec
      r <- if (p$from == "design") as.svrepdesign(make_design(p$design), type = p$args$type)
           else {
             dat <- load_csv(p$data)
             for (v in c("stype", "sch.wide")) dat[[v]] <- factor(dat[[v]], levels = factor_levels$api[[v]])
             svrepdesign(data = dat, type = p$args$type, weights = as.formula(paste0("~", p$args$weights)),
                         repweights = p$args$repweights)
           }
      r$mse <- p$mse
      r
    },
    postStratify = postStratify(get_design(s$base), as.formula(paste0("~", s$variable)),
                                margin_df(list(variable = s$variable, population = s$population))))
  built[[key]] <<- d
  d
}

is_rep <- function(d) inherits(d, "svyrep.design")
## rows of the domain (non-zero weight for linearization designs; R's subset of a calibrated
## design keeps the other rows with weight 0) with a value of every variable, and without
in_domain <- function(d) if (is_rep(d)) rep(TRUE, nrow(d$variables)) else weights(d, "sampling") != 0
base_counts <- function(d, vars) {
  ok <- in_domain(d)
  complete <- Reduce(`&`, lapply(vars, function(v) !is.na(d$variables[[v]])))
  list(n = sum(ok & complete), nMissing = sum(ok & !complete))
}
with_subset <- function(key, conds) {
  d <- get_design(key)
  apply_subset(d, conds)
}
domain_text <- function(key, conds) if (is.null(conds)) key else sprintf("subset(%s, %s)", key, subset_rexpr(conds))
case_id <- function(prefix, key, conds, what) {
  ops <- c("==" = "eq", "!=" = "ne", ">" = "gt", ">=" = "ge", "<" = "lt", "<=" = "le", notNA = "notNA")
  dom <- if (is.null(conds)) "" else sprintf("[%s]", paste(vapply(conds, function(c)
    paste(c$var, ops[[c$op]], if (c$op == "notNA") "" else c$value, sep = "."), ""), collapse = "+"))
  sprintf("%s-%s%s-%s", prefix, key, dom, what)
}

E <- list(cond("stype", "==", "E"))
M <- list(cond("stype", "==", "M"))
YES <- list(cond("sch.wide", "==", "Yes"))
CAPITAL <- list(cond("region", "==", "Capital"))

## ---- svyratio ---------------------------------------------------------------------------------
ratio_plan <- list(
  list("dstrat", "api.stu", "enroll", NULL), list("dstrat", "api.stu", "enroll", YES),
  list("dclus1", "api.stu", "enroll", NULL), list("dclus1", "api.stu", "enroll", YES),
  list("dclus1", "api00", "api99", E),
  list("dclus2", "api.stu", "enroll", NULL), list("dclus2", "api.stu", "enroll", M),
  list("dpoll", "income", "age", NULL), list("dpoll", "income", "age", CAPITAL),
  list("dclus1_raked", "api.stu", "enroll", NULL), list("dclus1_raked", "api.stu", "enroll", E),
  list("rclus1", "api.stu", "enroll", NULL), list("rclus1", "api.stu", "enroll", YES),
  list("rclus1_mse", "api.stu", "enroll", NULL),
  list("rpairs", "enroll", "api99", NULL), list("rboot", "api00", "api99", NULL), list("rboot", "enroll", "api99", list(cond("stype", "==", "H"))),
  list("rpoll", "income", "age", NULL), list("rpoll", "income", "age", CAPITAL),
  list("rclus1_ps", "api.stu", "enroll", NULL), list("rclus1_ps", "api.stu", "enroll", E)
)
ratio_cases <- lapply(ratio_plan, function(p) {
  key <- p[[1]]; num <- p[[2]]; den <- p[[3]]; conds <- p[[4]]
  d <- with_subset(key, conds)
  bc <- base_counts(d, c(num, den))
  narm <- bc$nMissing > 0
  r <- svyratio(as.formula(paste0("~", num)), as.formula(paste0("~", den)), d, na.rm = narm)
  df <- degf(d)
  stopifnot(identical(names(coef(r)), paste0(num, "/", den)))
  list(id = case_id("ratio", key, conds, paste0(num, "/", den)), design = key,
       subset = if (is.null(conds)) NA else conds, numerator = num, denominator = den,
       call = sprintf("svyratio(~%s, ~%s, %s%s)", num, den, domain_text(key, conds), if (narm) ", na.rm=TRUE" else ""),
       n = bc$n, nMissing = bc$nMissing, estimate = unname(coef(r)), se = unname(SE(r)[1]), degf = df,
       ci95 = I(unname(as.numeric(confint(r)))), ci90_df = I(unname(as.numeric(confint(r, level = 0.9, df = df)))))
})

## ---- svyvar -----------------------------------------------------------------------------------
var_plan <- list(
  list("dstrat", "api00", NULL), list("dstrat", "enroll", YES),
  list("dclus1", "api00", NULL), list("dclus1", "api00", E),
  list("dclus2", "enroll", NULL), list("dclus2", "enroll", M),
  list("dpoll", "income", NULL), list("dpoll", "income", CAPITAL),
  list("dclus1_raked", "api00", NULL), list("dclus1_raked", "api00", E),
  list("rclus1", "api00", NULL), list("rclus1", "enroll", YES), list("rclus1_mse", "api00", NULL),
  list("rpairs", "api00", NULL), list("rboot", "enroll", NULL),
  list("rpoll", "income", NULL), list("rpoll", "income", CAPITAL),
  list("rclus1_ps", "api00", NULL), list("rclus1_ps", "api00", E)
)
var_cases <- lapply(var_plan, function(p) {
  key <- p[[1]]; v <- p[[2]]; conds <- p[[3]]
  d <- with_subset(key, conds)
  bc <- base_counts(d, v)
  narm <- bc$nMissing > 0
  ## survey 4.2's n (common.R: with_fixed_svyvar); 4.1.1's result kept as estimate411/se411
  r <- with_fixed_svyvar(svyvar(as.formula(paste0("~", v)), d, na.rm = narm))
  r411 <- svyvar(as.formula(paste0("~", v)), d, na.rm = narm)
  df <- degf(d)
  est <- unname(as.numeric(coef(r))[1])
  se <- unname(as.numeric(SE(r))[1])
  ## (confint has no method for svyvar on replicate designs: est ± q · se, as tconfint)
  list(id = case_id("var", key, conds, v), design = key, subset = if (is.null(conds)) NA else conds,
       variable = v, call = sprintf("svyvar(~%s, %s%s)", v, domain_text(key, conds), if (narm) ", na.rm=TRUE" else ""),
       n = bc$n, nMissing = bc$nMissing, estimate = est, se = se, degf = df,
       estimate411 = unname(as.numeric(coef(r411))[1]), se411 = unname(as.numeric(SE(r411))[1]),
       ci95 = I(est + c(-1, 1) * qnorm(0.975) * se), ci90_df = I(est + c(-1, 1) * qt(0.95, df) * se))
})

## svyby(~x, ~g, d, svyvar): per-group variances; with covmat = TRUE on replicate designs (R's
## svyvar on a linearization design returns no influence functions, so no covariance there).
var_by_plan <- list(
  list("dclus1", "api00", "stype", FALSE), list("dclus1_raked", "api00", "stype", FALSE),
  list("rclus1", "api00", "stype", TRUE), list("rpoll", "income", "sex", TRUE)
)
var_by_cases <- lapply(var_by_plan, function(p) {
  key <- p[[1]]; v <- p[[2]]; by <- p[[3]]; covmat <- p[[4]]
  d <- get_design(key)
  narm <- any(is.na(d$variables[[v]]))
  b <- with_fixed_svyvar(svyby(as.formula(paste0("~", v)), as.formula(paste0("~", by)), d, svyvar,
                               covmat = covmat, na.rm = narm))
  list(id = sprintf("var-by-%s-%s-%s", key, v, by), design = key, variable = v, by = by,
       call = sprintf("svyby(~%s, ~%s, %s, svyvar%s%s)", v, by, key, if (covmat) ", covmat=TRUE" else "",
                      if (narm) ", na.rm=TRUE" else ""),
       groups = strs(rownames(b)), estimate = vec(coef(b)), se = vec(SE(b)),
       vcov = if (covmat) mat(vcov(b)) else NA)
})

## ---- svyttest ---------------------------------------------------------------------------------
ttest_plan <- list(
  list("dclus1", "api00", "sch.wide", NULL), list("dclus1", "growth", NA, NULL),
  list("dclus1", "api00", "comp.imp", E),
  list("dstrat", "api00", "sch.wide", NULL), list("dstrat", "enroll", "yr.rnd", YES),
  list("dclus2", "enroll", "sch.wide", NULL), list("dclus2", "enroll", NA, NULL),
  list("dpoll", "income", "support", NULL), list("dpoll", "income", "sex", CAPITAL),
  list("dpoll", "income", NA, NULL),
  list("dclus1_raked", "api00", "sch.wide", NULL), list("dclus1_raked", "api00", "comp.imp", E),
  list("rclus1", "api00", "sch.wide", NULL), list("rclus1", "growth", NA, NULL),
  list("rclus1", "api00", "comp.imp", E), list("rclus1_mse", "api00", "sch.wide", NULL),
  list("rpairs", "api00", "sch.wide", NULL), list("rboot", "enroll", "sch.wide", NULL),
  list("rpoll", "income", "support", NULL), list("rpoll", "income", NA, CAPITAL),
  list("rclus1_ps", "api00", "sch.wide", NULL), list("rclus1_ps", "api00", "comp.imp", E)
)
ttest_cases <- lapply(ttest_plan, function(p) {
  key <- p[[1]]; v <- p[[2]]; g <- p[[3]]; conds <- p[[4]]
  d <- with_subset(key, conds)
  one <- is.na(g)
  vars <- if (one) v else c(v, g)
  bc <- base_counts(d, vars)
  f <- as.formula(sprintf("%s ~ %s", v, if (one) "0" else g))
  t <- if (one && bc$nMissing > 0) svyttest(f, d, na.rm = TRUE) else svyttest(f, d)
  list(id = case_id("ttest", key, conds, sprintf("%s~%s", v, if (one) "0" else g)), design = key,
       subset = if (is.null(conds)) NA else conds, variable = v, group = if (one) NA else g,
       call = sprintf("svyttest(%s ~ %s, %s%s)", v, if (one) "0" else g, domain_text(key, conds),
                      if (one && bc$nMissing > 0) ", na.rm=TRUE" else ""),
       n = bc$n, nMissing = bc$nMissing,
       difference = unname(t$estimate), se = unname(t$estimate / t$statistic), statistic = unname(t$statistic),
       df = unname(t$parameter), pValue = unname(t$p.value), ci = I(unname(as.numeric(t$conf.int))))
})

## ---- svycontrast(stat, quote(...)) --------------------------------------------------------------
## stat: svyby(~variable, ~by, d, svymean | svyratio, covmat=TRUE[, return.replicates=TRUE]) or
## svymean(~variables, d). fn names the surveykit function of the test (test/estimate/nlcontrast.test.ts)
## that computes the same expression from surveykit's row labels.
nl_plan <- list(
  list("dclus1", NULL, "by", "api00", "stype", "mean", FALSE, list(
    list(fn = "E/H", expr = quote(E / H)), list(fn = "log(E)-log(M)", expr = quote(log(E) - log(M))),
    list(fn = "(E-H)/M", expr = quote((E - H) / M)))),
  list("dclus1", NULL, "by", "sch.wide", "stype", "mean", FALSE, list(
    list(fn = "logOR(E,H)", expr = quote(log(`E:sch.wideYes` / `E:sch.wideNo`) - log(`H:sch.wideYes` / `H:sch.wideNo`))),
    list(fn = "Yes: E/M", expr = quote(`E:sch.wideYes` / `M:sch.wideYes`)))),
  list("dclus1", NULL, "mean", c("api00", "api99"), NA, "mean", FALSE, list(
    list(fn = "api00/api99", expr = quote(api00 / api99)), list(fn = "log(api00)-log(api99)", expr = quote(log(api00) - log(api99))))),
  list("dclus1", NULL, "mean", "stype", NA, "mean", FALSE, list(
    list(fn = "share E/H", expr = quote(stypeE / stypeH)), list(fn = "odds H", expr = quote(stypeH / (1 - stypeH))))),
  list("dclus1", YES, "by", "api00", "stype", "mean", FALSE, list(list(fn = "E/H", expr = quote(E / H)))),
  list("dclus1", NULL, "by", "api.stu", "stype", "ratio", FALSE, list(
    list(fn = "E/H", expr = quote(E / H)), list(fn = "log(E)-log(M)", expr = quote(log(E) - log(M))))),
  list("dstrat", NULL, "by", "api00", "stype", "mean", FALSE, list(list(fn = "log(E)-log(M)", expr = quote(log(E) - log(M))))),
  list("dclus2", NULL, "by", "api00", "sch.wide", "mean", FALSE, list(list(fn = "Yes/No", expr = quote(Yes / No)))),
  ## (svyby(covmat=TRUE) on a linearization design cannot drop missing values: R 4.1.1 fails)
  list("dpoll", NULL, "by", "sex", "region", "mean", FALSE, list(
    list(fn = "OR female(Capital,East)", expr = quote(exp(log(`Capital:sexFemale` / `Capital:sexMale`) - log(`East:sexFemale` / `East:sexMale`)))),
    list(fn = "sqrt female(Capital*West)", expr = quote(sqrt(`Capital:sexFemale` * `West:sexFemale`))))),
  list("dclus1_raked", NULL, "by", "api00", "stype", "mean", FALSE, list(list(fn = "E/H", expr = quote(E / H)))),
  list("dclus1_raked", NULL, "by", "sch.wide", "stype", "mean", FALSE, list(
    list(fn = "logOR(E,H)", expr = quote(log(`E:sch.wideYes` / `E:sch.wideNo`) - log(`H:sch.wideYes` / `H:sch.wideNo`))))),
  list("dclus1_raked", NULL, "by", "api.stu", "stype", "ratio", FALSE, list(list(fn = "E/H", expr = quote(E / H)))),
  list("rclus1", NULL, "by", "api00", "stype", "mean", FALSE, list(
    list(fn = "E/H", expr = quote(E / H)), list(fn = "log(E)-log(M)", expr = quote(log(E) - log(M))))),
  list("rclus1", NULL, "by", "api00", "stype", "mean", TRUE, list(
    list(fn = "E/H", expr = quote(E / H)), list(fn = "log(E)-log(M)", expr = quote(log(E) - log(M))))),
  list("rclus1", NULL, "by", "sch.wide", "stype", "mean", FALSE, list(
    list(fn = "logOR(E,H)", expr = quote(log(`E:sch.wideYes` / `E:sch.wideNo`) - log(`H:sch.wideYes` / `H:sch.wideNo`))))),
  list("rclus1", NULL, "by", "sch.wide", "stype", "mean", TRUE, list(
    list(fn = "logOR(E,H)", expr = quote(log(`E:sch.wideYes` / `E:sch.wideNo`) - log(`H:sch.wideYes` / `H:sch.wideNo`))))),
  list("rclus1", NULL, "by", "api.stu", "stype", "ratio", FALSE, list(list(fn = "E/H", expr = quote(E / H)))),
  list("rclus1", NULL, "by", "api.stu", "stype", "ratio", TRUE, list(list(fn = "E/H", expr = quote(E / H)))),
  list("rclus1_mse", NULL, "by", "api00", "stype", "mean", TRUE, list(list(fn = "E/H", expr = quote(E / H)))),
  list("rclus1_mse", NULL, "by", "api00", "stype", "mean", FALSE, list(list(fn = "E/H", expr = quote(E / H)))),
  list("rpairs", NULL, "by", "api00", "stype", "mean", FALSE, list(list(fn = "log(E)-log(M)", expr = quote(log(E) - log(M))))),
  list("rpairs", NULL, "by", "api00", "stype", "mean", TRUE, list(list(fn = "log(E)-log(M)", expr = quote(log(E) - log(M))))),
  list("rboot", NULL, "by", "api00", "stype", "mean", FALSE, list(list(fn = "E/H", expr = quote(E / H)))),
  list("rpoll", NULL, "by", "support", "region", "mean", TRUE, list(
    list(fn = "OR(Capital,East)", expr = quote(exp(log(Capital / (1 - Capital)) - log(East / (1 - East))))))),
  list("rclus1_ps", NULL, "by", "api00", "stype", "mean", FALSE, list(list(fn = "E/H", expr = quote(E / H)))),
  list("rclus1_ps", NULL, "by", "api00", "stype", "mean", TRUE, list(list(fn = "E/H", expr = quote(E / H))))
)
## Per-group means (or ratios to `den`) of `v` by `by` as one svyratio(covmat=TRUE): coef and
## vcov named and ordered as svyby's (groups fastest, then the levels of a factor variable).
by_ratios <- function(d, vars, by, den = NULL) {
  stopifnot(length(vars) == 1)
  x <- d$variables[[vars]]
  g <- d$variables[[by]]
  groups <- levels(g)
  num <- list(); dens <- list(); nm <- character(0)
  cols <- if (is.factor(x)) lapply(levels(x), function(l) as.numeric(x == l)) else list(x)
  suffix <- if (is.factor(x)) paste0(":", vars, levels(x)) else ""
  for (k in seq_along(cols)) for (gr in groups) {
    num[[length(num) + 1]] <- cols[[k]] * (g == gr)
    dens[[length(dens) + 1]] <- (if (is.null(den)) 1 else d$variables[[den]]) * (g == gr)
    nm <- c(nm, paste0(gr, suffix[k]))
  }
  r <- svyratio(do.call(cbind, num), do.call(cbind, dens), d, covmat = TRUE)
  q <- length(num)
  diag_idx <- (seq_len(q) - 1) * q + seq_len(q)
  cf <- setNames(as.vector(r$ratio)[diag_idx], nm)
  V <- r$vcov[diag_idx, diag_idx]
  dimnames(V) <- list(nm, nm)
  structure(list(coef = cf, vcov = V), class = "byratios")
}
coef.byratios <- function(object, ...) object$coef
vcov.byratios <- function(object, ...) object$vcov
svycontrast.byratios <- function(stat, contrasts, ...) survey:::nlcon(list(contrast = contrasts), as.list(coef(stat)), vcov(stat))

nl_cases <- list()
for (p in nl_plan) {
  key <- p[[1]]; conds <- p[[2]]; kind <- p[[3]]; vars <- p[[4]]; by <- p[[5]]; stat <- p[[6]]; reps <- p[[7]]
  d <- with_subset(key, conds)
  fx <- as.formula(paste0("~", paste(vars, collapse = "+")))
  narm <- any(sapply(vars, function(v) any(is.na(d$variables[[v]]))))
  if (stat == "ratio") narm <- narm || any(is.na(d$variables$enroll))
  if (kind == "by" && !is_rep(d) && !is.null(d$postStrata)) {
    ## R 4.1.1's svyby(covmat=TRUE) fails on a calibrated design (its subsets keep every row, the
    ## influence functions do not fit), so the groups' means and ratios come from one
    ## svyratio(covmat=TRUE) of the per-group numerators and denominators: the same linearization.
    s <- by_ratios(d, vars, by, if (stat == "ratio") "enroll" else NULL)
    scall <- sprintf("svyratio(<%s by %s>, covmat=TRUE) on %s (svyby(covmat=TRUE) fails on calibrated designs)",
                     paste(vars, collapse = "+"), by, domain_text(key, conds))
  } else if (kind == "by") {
    fby <- as.formula(paste0("~", by))
    FUN <- if (stat == "mean") svymean else svyratio
    args <- list(fx, fby, d, FUN, covmat = TRUE, na.rm = narm)
    if (stat == "ratio") args$denominator <- ~enroll
    if (reps) args$return.replicates <- TRUE
    s <- do.call(svyby, args)
    if (reps && is.factor(d$variables[[vars]])) {
      ## R 4.1.1 stores svyby's replicates group-major (E:No, E:Yes, H:No, ...) but names them
      ## as coef(), variable-major (E:No, H:No, ..., E:Yes, ...), so svycontrast would evaluate
      ## the expression on mislabelled replicates: put them in coef()'s order first.
      G <- nrow(s); L <- nlevels(d$variables[[vars]])
      rp <- attr(s, "replicates")
      fixed <- rp[, as.vector(outer((seq_len(G) - 1) * L, seq_len(L), "+"))]
      for (a in c("scale", "rscales", "mse")) attr(fixed, a) <- attr(rp, a)
      attr(s, "replicates") <- fixed
      stopifnot(isTRUE(all.equal(unname(colMeans(attr(s, "replicates"))), unname(coef(s)), tolerance = 0.05)))
    }
    scall <- sprintf("svyby(%s, %s, %s, %s, covmat=TRUE%s%s)", deparse(fx), deparse(fby), domain_text(key, conds),
                     if (stat == "mean") "svymean" else "svyratio, denominator=~enroll",
                     if (narm) ", na.rm=TRUE" else "", if (reps) ", return.replicates=TRUE" else "")
  } else {
    s <- svymean(fx, d, na.rm = narm)
    scall <- sprintf("svymean(%s, %s)", deparse(fx), domain_text(key, conds))
  }
  df <- degf(d)
  for (e in p[[8]]) {
    r <- svycontrast(s, e$expr)
    est <- if (is.list(r) && !is.null(r$nlcon)) r$nlcon else r
    nl_cases[[length(nl_cases) + 1]] <- list(
      id = sprintf("nlcon-%s-%s-%s%s", case_id(kind, key, conds, paste(vars, collapse = "+")),
                   if (is.na(by)) "" else by, e$fn, if (reps) "-replicates" else ""),
      design = key, subset = if (is.null(conds)) NA else conds, kind = kind, variables = strs(vars),
      by = if (is.na(by)) NA else by, statistic = stat, denominator = if (stat == "ratio") "enroll" else NA,
      replicates = reps, fn = e$fn, expr = paste(deparse(e$expr), collapse = ""),
      call = sprintf("svycontrast(%s, quote(%s))", scall, paste(deparse(e$expr), collapse = "")),
      labels = strs(names(coef(s))), coef = vec(coef(s)), vcov = mat(vcov(s)),
      estimate = unname(as.numeric(est))[1], se = unname(sqrt(as.numeric(attr(est, "var"))))[1],
      degf = df)
  }
}

write_ref(list(
  meta = meta("estimators", c(
    "Designs: `analysis` gives how each case's design is built (registry designs in `designs`; rake with RAKE_TIGHT; replicate designs in test/helpers/replicate.ts's layout plus mse; postStratify of a replicate design).",
    "n counts the rows of the domain (non-zero weight on linearization designs, every row of the subset on replicate designs) with every variable present; nMissing the others.",
    "svyvar on a linearization design: survey 4.1.1's n/(n-1) counts the domain's rows with a non-zero weight before na.rm drops the missing ones (dclus2 enroll, the poll's income); survey 4.2 counts only those with a value. estimate/se (and the svyby cases) are 4.2's (common.R: with_fixed_svyvar, 4.1.1's svyvar.survey.design with that one line changed); estimate411/se411 are 4.1.1's.",
    "svyttest: se = estimate / statistic; df = R's parameter (degf of the design after dropping rows with missing values, minus 1, for two groups on linearization designs; degf of the design given minus 1 otherwise); ci = R's conf.int (confint.svyglm: t quantiles through qnorm(pnorm()); one-sample: confint(svymean, df)).",
    "nlcon: svycontrast(stat, quote(expr)) with R's symbolic derivative (delta method with vcov(stat)); with return.replicates=TRUE in svyby on a replicate design, R evaluates expr on each replicate instead (`replicates: true`). `labels`/`coef`/`vcov` are the stat's; ratios from svyby(svyratio) are labelled by group.",
    "svyby(~factor, ..., return.replicates=TRUE): R 4.1.1 stores the replicates group-major but labels them variable-major (coef's order), so svycontrast(quote()) on them reads the wrong replicates; the script reorders them to coef's order first (the values here are the corrected ones).",
    "svyby(covmat=TRUE) fails in R 4.1.1 on calibrated (raked) designs and when missing values are dropped on linearization designs; on dclus1_raked the groups' means and ratios come from one svyratio(covmat=TRUE) of per-group numerators and denominators (the same linearization)."
  )),
  designs = specs_json(c("dstrat", "dclus1", "dclus2", "dpoll", "dpairs20")),
  analysis = analysis_specs,
  ratio = ratio_cases, var = var_cases, varBy = var_by_cases, ttest = ttest_cases, nlcon = nl_cases
), "estimators")
