## Models -> models.json: svyglm (gaussian, binomial, quasibinomial, poisson, quasipoisson) with
## summary(), confint(), vcov() and predict(); regTermTest; svypredmeans; svyolr; on
## linearization designs (apistrat, apiclus1, apiclus2 with fpc, the poll with its missing
## values), raked and post-stratified designs, replicate designs (JK1, bootstrap columns, BRR)
## and domains (svyolr too on a raked design and in a domain).
##
## Run from the repository root:  Rscript test/reference/models.R

source(file.path(local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
}), "common.R"))
source(file.path(ref_dir, "weighting-common.R"))

## apistrat_pairs.csv and apiclus1_rep.csv (written by replicate.R) read with the api factors
load_any <- function(file) {
  d <- load_csv(file)
  if (file %in% c("apistrat_pairs.csv", "apiclus1_rep.csv")) {
    for (v in c("stype", "sch.wide")) d[[v]] <- factor(d[[v]], levels = factor_levels$api[[v]])
  }
  d
}
design_specs$dpairs20 <- list(data = "apistrat_pairs.csv", ids = list("psu20"), strata = "str20", weights = "pw",
                              probs = NULL, fpc = NULL, nest = FALSE,
                              rcall = "svydesign(id=~psu20, strata=~str20, weights=~pw, data=apistrat_pairs)")
make_any <- function(name) {
  s <- design_specs[[name]]
  env <- new.env(parent = globalenv())
  assign(data_object_name(s$data), load_any(s$data), envir = env)
  eval(parse(text = s$rcall)[[1]], envir = env)
}

## mealcat as ?svyolr makes it: meals cut at 0, 25, 50, 75, 100 (meals = 0 is NA)
MEALCAT_BREAKS <- c(0, 25, 50, 75, 100)
with_mealcat <- function(d) update(d, mealcat = cut(meals, MEALCAT_BREAKS))

## ---- the designs the models run on --------------------------------------------------------
## Each: the R object and how TypeScript rebuilds it (base design from the registry, then
## weighting, replicates, extra columns and a domain, in that order).
md <- list()
reg <- function(name, object, base = NULL, weighting = NULL, replicate = NULL, columns = NULL,
                subset = NULL, mealcat = FALSE) {
  nz <- function(x) if (is.null(x)) NA else x
  md[[name]] <<- list(object = object,
                      spec = list(base = nz(base), weighting = nz(weighting), replicate = nz(replicate),
                                  columns = nz(columns), subset = nz(subset), mealcat = mealcat))
}
dstrat <- make_design("dstrat")
dclus1 <- make_design("dclus1")
dclus2 <- make_design("dclus2")
dpoll <- make_design("dpoll")
reg("dstrat", dstrat, base = "dstrat")
reg("dclus1", dclus1, base = "dclus1")
reg("dclus2", dclus2, base = "dclus2")
reg("dpoll", dpoll, base = "dpoll")
reg("dclus1_meal", with_mealcat(dclus1), base = "dclus1", mealcat = TRUE)
reg("dstrat_meal", with_mealcat(dstrat), base = "dstrat", mealcat = TRUE)

RAKE_TIGHT <- list(maxit = 1000, epsilon = 1e-13, verbose = FALSE)
raked <- rake(dclus1, margin_formulas(api_margins), margin_dfs(api_margins), control = RAKE_TIGHT)
reg("dclus1_raked", raked, base = "dclus1",
    weighting = list(method = "rake", margins = margins_json(api_margins)))
pop.types <- margin_df(api_margins[[1]])
ps <- postStratify(dstrat, ~stype, pop.types)
reg("dstrat_ps", ps, base = "dstrat",
    weighting = list(method = "postStratify", margins = margins_json(api_margins[1])))
cal <- calibrate(dpoll, ~sex + agegroup,
                 population = c(`(Intercept)` = 500000, sexMale = 240000, `agegroup30-39` = 90000,
                                `agegroup40-49` = 100000, `agegroup50-59` = 95000, `agegroup60+` = 120000))
reg("dpoll_cal", cal, base = "dpoll",
    weighting = list(method = "calibrate", margins = margins_json(poll_margins)))

## domains
E <- list(cond("stype", "!=", "E"))
reg("dclus1_notE", subset(dclus1, stype != "E"), base = "dclus1", subset = E)
reg("dstrat_api600", subset(dstrat, api00 > 600), base = "dstrat", subset = list(cond("api00", ">", 600)))
reg("dclus2_M", subset(dclus2, stype != "M"), base = "dclus2", subset = list(cond("stype", "!=", "M")))
reg("dclus1_raked_notE", subset(raked, stype != "E"), base = "dclus1",
    weighting = list(method = "rake", margins = margins_json(api_margins)), subset = E)
reg("dpoll_female", subset(dpoll, sex == "Female"), base = "dpoll", subset = list(cond("sex", "==", "Female")))
## ordinal models after weighting and in a domain
reg("dclus1_raked_meal", with_mealcat(raked), base = "dclus1",
    weighting = list(method = "rake", margins = margins_json(api_margins)), mealcat = TRUE)
reg("dclus1_meal_sw", subset(with_mealcat(dclus1), sch.wide == "Yes"), base = "dclus1",
    subset = list(cond("sch.wide", "==", "Yes")), mealcat = TRUE)
reg("dclus1_raked_meal_sw", subset(with_mealcat(raked), sch.wide == "Yes"), base = "dclus1",
    weighting = list(method = "rake", margins = margins_json(api_margins)),
    subset = list(cond("sch.wide", "==", "Yes")), mealcat = TRUE)

## replicate designs
rclus1 <- as.svrepdesign(dclus1, type = "JK1")
reg("rclus1", rclus1, base = "dclus1", replicate = list(type = "JK1"))
reg("rclus1_mse", as.svrepdesign(dclus1, type = "JK1", mse = TRUE), base = "dclus1",
    replicate = list(type = "JK1", mse = TRUE))
reg("rclus1_notE", subset(rclus1, stype != "E"), base = "dclus1", replicate = list(type = "JK1"), subset = E)
reg("rclus1_meal", with_mealcat(rclus1), base = "dclus1", replicate = list(type = "JK1"), mealcat = TRUE)
boot <- svrepdesign(data = load_any("apiclus1_rep.csv"), weights = ~pw, repweights = "boot_[0-9]+",
                    type = "bootstrap", combined.weights = TRUE)
reg("bclus1", boot, columns = list(data = "apiclus1_rep.csv", weights = "pw", repweights = "boot_[0-9]+",
                                   type = "bootstrap"))
brr <- as.svrepdesign(make_any("dpairs20"), type = "BRR")
reg("brr20", brr, base = "dpairs20", replicate = list(type = "BRR"))
rpoll <- as.svrepdesign(dpoll, type = "JKn")
reg("rpoll", rpoll, base = "dpoll", replicate = list(type = "JKn"))
reg("rclus1_raked", rake(rclus1, margin_formulas(api_margins), margin_dfs(api_margins), control = RAKE_TIGHT),
    base = "dclus1", replicate = list(type = "JK1"),
    weighting = list(method = "rake", margins = margins_json(api_margins)))

## ---- svyglm ---------------------------------------------------------------------------------
fits <- list()
fit_objects <- list()
## rows a model uses: in the domain (non-zero weight for calibrated designs) with every variable
used_rows <- function(d, f) {
  vars <- all.vars(f)
  v <- if (inherits(d, "svyrep.design")) d$variables else model.frame(d)
  ok <- complete.cases(v[, vars, drop = FALSE])
  inset <- if (inherits(d, "svyrep.design")) rep(TRUE, nrow(v)) else is.finite(d$prob)
  c(n = sum(ok & inset), nMissing = sum(!ok & inset))
}
## sk: the same model as surveykit writes it, when R's formula uses I() (list(formula, success))
add_fit <- function(id, design, formula, family = "gaussian", sk = NULL) {
  d <- md[[design]]$object
  f <- as.formula(formula)
  fit <- eval(bquote(svyglm(.(f), design = d, family = .(as.name(family))())))
  ## (survey 4.3's Pearson residuals on replicate designs: see with_fixed_svrepglm_residuals)
  s <- if (inherits(d, "svyrep.design")) with_fixed_svrepglm_residuals(summary(fit)) else summary(fit)
  s411 <- summary(fit)
  ci <- confint(fit)
  counts <- used_rows(d, f)
  fit_objects[[id]] <<- fit
  fits[[length(fits) + 1]] <<- list(
    id = id, design = design, formula = formula, family = family,
    tsFormula = if (is.null(sk)) formula else sk$formula, success = if (is.null(sk)) NA else sk$success,
    call = sprintf("svyglm(%s, %s, family = %s())", formula, design, family),
    names = strs(names(coef(fit))), estimate = vec(coef(fit)), se = vec(SE(fit)),
    aliased = strs(names(fit$coefficients)[is.na(fit$coefficients)]),
    t = vec(s$coefficients[, 3]), p = vec(s$coefficients[, 4]), vcov = mat(vcov(fit)),
    ci = ivals(ci), ci90 = ivals(confint(fit, level = 0.9)),
    df = fit$df.residual, degf = degf(fit$survey.design), dispersion = unname(as.numeric(s$dispersion)), dispersion411 = unname(as.numeric(s411$dispersion)),
    iterations = fit$iter, n = unname(counts[["n"]]), nMissing = unname(counts[["nMissing"]]))
}

add_fit("dstrat-api00", "dstrat", "api00 ~ ell + meals + mobility")
add_fit("dstrat-schwide", "dstrat", "sch.wide ~ ell + meals + mobility", "quasibinomial")
add_fit("dstrat-schwide-binomial", "dstrat", "sch.wide ~ ell + meals + mobility", "binomial")
add_fit("dclus1-api00-interaction", "dclus1", "api00 ~ ell * stype + meals")
add_fit("dclus1-api00-nointercept", "dclus1", "api00 ~ stype + ell - 1")
add_fit("dclus1-enroll-poisson", "dclus1", "enroll ~ stype + meals", "poisson")
add_fit("dclus1-enroll-quasipoisson", "dclus1", "enroll ~ stype * meals", "quasipoisson")
add_fit("dclus1-schwide-stype-ell", "dclus1", "sch.wide ~ stype * ell + api99", "quasibinomial")
add_fit("dclus2-api00", "dclus2", "api00 ~ ell + meals + stype")
add_fit("dclus2-enroll-missing", "dclus2", "api00 ~ enroll + stype")
add_fit("dclus2-schwide-missing", "dclus2", "sch.wide ~ enroll + ell", "quasibinomial")
add_fit("dpoll-support", "dpoll", "support ~ sex * agegroup", "quasibinomial")
add_fit("dpoll-support-income", "dpoll", "support ~ sex + agegroup + income", "quasibinomial")
add_fit("dpoll-income", "dpoll", "income ~ age + sex:agegroup")
add_fit("dclus1-raked-api00", "dclus1_raked", "api00 ~ ell + meals")
add_fit("dclus1-raked-schwide", "dclus1_raked", "sch.wide ~ ell + stype", "quasibinomial")
add_fit("dstrat-ps-api00", "dstrat_ps", "api00 ~ ell + meals + stype")
add_fit("dpoll-cal-support", "dpoll_cal", "support ~ sex + income", "quasibinomial")
add_fit("dclus1-notE-api00", "dclus1_notE", "api00 ~ ell + meals + stype")
add_fit("dstrat-api600-schwide", "dstrat_api600", "sch.wide ~ meals + stype", "quasibinomial")
add_fit("dclus2-notM-api00", "dclus2_M", "api00 ~ ell + enroll")
add_fit("dclus1-raked-notE-api00", "dclus1_raked_notE", "api00 ~ ell + meals")
add_fit("dpoll-female-support", "dpoll_female", "support ~ agegroup + income", "quasibinomial")
add_fit("rclus1-api00", "rclus1", "api00 ~ ell + meals + stype")
add_fit("rclus1-schwide", "rclus1", "sch.wide ~ ell + meals + mobility", "quasibinomial")
add_fit("rclus1-enroll-poisson", "rclus1", "enroll ~ stype + meals", "poisson")
add_fit("rclus1-mse-schwide", "rclus1_mse", "sch.wide ~ ell + meals", "quasibinomial")
add_fit("rclus1-notE-api00", "rclus1_notE", "api00 ~ ell + meals")
add_fit("bclus1-api00", "bclus1", "api00 ~ api99 + stype")
add_fit("bclus1-schwide", "bclus1", "sch.wide ~ api99 + stype", "quasibinomial")
add_fit("brr20-schwide", "brr20", "sch.wide ~ api99 + stype", "quasibinomial")
add_fit("brr20-api00", "brr20", "api00 ~ api99 * stype")
add_fit("rpoll-support", "rpoll", "support ~ sex + agegroup + income", "quasibinomial")
add_fit("rclus1-raked-api00", "rclus1_raked", "api00 ~ ell + meals")
## models without numeric variables (surveykit fits these on the cells of factor levels)
add_fit("rpoll-support-factors", "rpoll", "support ~ sex * agegroup", "quasibinomial")
add_fit("rclus1-schwide-stype", "rclus1", "sch.wide ~ stype", "binomial")
add_fit("bclus1-api00-stype", "bclus1", "api00 ~ stype")
add_fit("brr20-enroll-stype", "brr20", "enroll ~ stype", "quasipoisson")
add_fit("dclus1-raked-schwide-stype", "dclus1_raked", "sch.wide ~ stype", "quasibinomial")
add_fit("dpoll-attitude-agegroup", "dpoll", "I(attitude == 'Positive') ~ agegroup", "quasibinomial",
        sk = list(formula = "attitude ~ agegroup", success = "Positive"))

## ---- predictions ----------------------------------------------------------------------------
predictions <- list()
add_pred <- function(fit_id, newdata, type) {
  fit <- fit_objects[[fit_id]]
  p <- predict(fit, newdata = newdata, type = type, se.fit = TRUE)
  rows <- lapply(seq_len(nrow(newdata)), function(i) {
    r <- lapply(newdata[i, , drop = FALSE], function(x) if (is.factor(x)) as.character(x) else x)
    r
  })
  predictions[[length(predictions) + 1]] <<- list(
    fit = fit_id, type = type, newdata = rows,
    estimate = vec(coef(p)), se = vec(sqrt(attr(p, "var"))))
}
nd_api <- data.frame(ell = c(0, 10, 30.5), meals = c(10, 50, 90), mobility = c(5, 20, 2))
for (type in c("link", "response")) {
  add_pred("dstrat-api00", nd_api, type)
  add_pred("dstrat-schwide", nd_api, type)
  add_pred("dclus1-api00-interaction",
           data.frame(ell = c(5, 20, 40), stype = factor(c("E", "H", "M"), levels = c("E", "H", "M")),
                      meals = c(20, 40, 60)), type)
  add_pred("dclus1-enroll-poisson",
           data.frame(stype = factor(c("M", "E"), levels = c("E", "H", "M")), meals = c(30, 70)), type)
  add_pred("rclus1-schwide", nd_api, type)
  add_pred("dpoll-support",
           data.frame(sex = factor(c("Male", "Female"), levels = factor_levels$poll$sex),
                      agegroup = factor(c("60+", "18-29"), levels = factor_levels$poll$agegroup)), type)
}

## ---- regTermTest ------------------------------------------------------------------------------
term_tests <- list()
add_test <- function(fit_id, terms) {
  t <- regTermTest(fit_objects[[fit_id]], terms)
  term_tests[[length(term_tests) + 1]] <<- list(
    fit = fit_id, terms = strs(terms), F = unname(as.numeric(t$Ftest)), df = t$df, ddf = t$ddf,
    p = unname(as.numeric(t$p)))
}
add_test("dclus1-api00-interaction", "ell:stype")
add_test("dclus1-api00-interaction", "stype")
add_test("dclus1-api00-interaction", c("ell", "meals"))
add_test("dstrat-schwide", "mobility")
add_test("dpoll-support", "sex:agegroup")
add_test("dpoll-support-income", c("agegroup", "income"))
add_test("rclus1-api00", "stype")
add_test("dclus1-raked-schwide", "stype")
add_test("brr20-api00", "api99:stype")

## ---- svypredmeans --------------------------------------------------------------------------------
predmeans <- list()
add_predmeans <- function(id, design, formula, family, group) {
  d <- md[[design]]$object
  fit <- eval(bquote(svyglm(.(as.formula(formula)), design = d, family = .(as.name(family))())))
  pm <- svypredmeans(fit, as.formula(paste("~", group)))
  predmeans[[length(predmeans) + 1]] <<- list(
    id = id, design = design, formula = formula, family = family,
    variable = group,
    levels = strs(names(coef(pm))), estimate = vec(coef(pm)), se = vec(SE(pm)), vcov = mat(vcov(pm)))
}
add_predmeans("dclus1-api00-stype", "dclus1", "api00 ~ ell + meals", "gaussian", "stype")
add_predmeans("dpoll-support-agegroup", "dpoll", "support ~ sex + income", "quasibinomial", "agegroup")
add_predmeans("dclus2-schwide-stype", "dclus2", "sch.wide ~ ell + meals", "quasibinomial", "stype")
add_predmeans("dclus1-raked-schwide-stype", "dclus1_raked", "sch.wide ~ ell + meals", "quasibinomial", "stype")
add_predmeans("rclus1-schwide-stype", "rclus1", "sch.wide ~ ell + meals", "quasibinomial", "stype")

## ---- svyolr -----------------------------------------------------------------------------------
## R's optimiser (BFGS, reltol 1e-8) stops short of the maximum; with reltol 1e-15 it reaches it
## to ~1e-10, which is what surveykit's Newton iterations compute. The default-control fit is
## kept as `default` for the record. On replicate designs R refits each replicate with polr's
## default control (not passed through); `svyolr_rep` below is svyolr.svyrep.design with the
## tight control passed to every refit.
OLR_TIGHT <- list(reltol = 1e-15, maxit = 10000)
svyolr_rep <- function(formula, design) {
  df <- model.frame(design)
  pwt <- weights(design, "sampling")
  environment(formula) <- environment()
  full <- suppressWarnings(MASS::polr(formula, data = df, Hess = TRUE, model = FALSE, weights = pwt,
                                      control = OLR_TIGHT))
  start <- c(full$coefficients, full$zeta)
  rw <- weights(design, "analysis")
  betas <- apply(rw, 2, function(w) {
    environment(formula) <- environment()
    m <- MASS::polr(formula, data = df, Hess = FALSE, start = start, model = FALSE, weights = w,
                    control = OLR_TIGHT)
    c(m$coefficients, m$zeta)
  })
  v <- svrVar(t(betas), design$scale, design$rscales, mse = design$mse, coef = start)
  list(coefficients = full$coefficients, zeta = full$zeta, var = v,
       df.residual = degf(design) - length(full$coefficients))
}
olrs <- list()
## fit_on: the design R fits on, when not md[[design]]$object (see the raked domain below); the
## rows used and missing are still counted on md[[design]]$object
add_olr <- function(id, design, formula, fit_on = NULL) {
  d <- if (is.null(fit_on)) md[[design]]$object else fit_on
  f <- as.formula(formula)
  rep <- inherits(d, "svyrep.design")
  m <- if (rep) svyolr_rep(f, d) else svyolr(f, d, control = OLR_TIGHT)
  m0 <- svyolr(f, d)
  v <- if (rep) m$var else vcov(m)
  counts <- used_rows(md[[design]]$object, f)
  olrs[[length(olrs) + 1]] <<- list(
    id = id, design = design, formula = formula,
    names = strs(names(m$coefficients)), estimate = vec(m$coefficients),
    cutpoints = strs(names(m$zeta)), zeta = vec(m$zeta),
    vcov = mat(v), se = vec(sqrt(diag(v))), df = m$df.residual,
    n = unname(counts[["n"]]), nMissing = unname(counts[["nMissing"]]),
    default = list(estimate = vec(c(coef(m0), m0$zeta)), se = vec(sqrt(diag(vcov(m0))))))
}
add_olr("dclus1-mealcat", "dclus1_meal", "mealcat ~ avg.ed + mobility + stype")
add_olr("dstrat-mealcat", "dstrat_meal", "mealcat ~ ell + stype")
add_olr("rclus1-mealcat", "rclus1_meal", "mealcat ~ ell + stype")
## (no missing values: survey 4.1.1's svyolr fails on a calibrated design once it drops rows with one)
add_olr("dclus1-raked-mealcat", "dclus1_raked_meal", "mealcat ~ ell + mobility + stype")
add_olr("dclus1-sw-mealcat", "dclus1_meal_sw", "mealcat ~ avg.ed + mobility")
## In a domain of a raked design with a predictor missing (avg.ed: 26 rows of apiclus1). survey's
## svyolr drops rows with a missing value by subsetting the design (design[-nao, ], as svyglm),
## but on a calibrated design those rows stay in it, with weight 0, and survey 4.1.1 then fits
## the weights of every row against the rows without NA and stops (its glm start meets an NA;
## survey 4.5's `keep` handles rows of weight 0, not this). So R fits on the domain less the
## rows missing avg.ed, their avg.ed set to 0 (a value that is never used: outside the domain a
## row has weight 0, so its score and influence are 0). That is the same model: surveykit drops
## the rows itself and counts them as missing.
raked_had_avg <- update(raked, had_avg = !is.na(avg.ed))
raked_avg0 <- update(raked_had_avg, avg.ed = ifelse(is.na(avg.ed), 0, avg.ed))
add_olr("dclus1-raked-sw-mealcat", "dclus1_raked_meal_sw", "mealcat ~ avg.ed + mobility",
        fit_on = subset(with_mealcat(raked_avg0), sch.wide == "Yes" & had_avg))

## ---- model matrices: term labels and column names -------------------------------------------
apiclus1 <- load_csv("apiclus1.csv")
matrices <- lapply(c(
  "api00 ~ ell", "api00 ~ stype", "api00 ~ stype - 1", "api00 ~ stype + sch.wide - 1",
  "api00 ~ stype:sch.wide", "api00 ~ stype:sch.wide - 1", "api00 ~ stype * sch.wide",
  "api00 ~ sch.wide + stype:sch.wide", "api00 ~ ell * stype", "api00 ~ stype * ell",
  "api00 ~ ell:stype", "api00 ~ ell + stype:ell", "api00 ~ ell:meals + stype",
  "api00 ~ ell + stype + sch.wide:ell:stype", "api00 ~ (stype + sch.wide + ell)^2",
  "api00 ~ stype/ell", "api00 ~ ell:stype + sch.wide - 1", "api00 ~ stype:sch.wide + ell - 1",
  "api00 ~ stype * sch.wide - stype:sch.wide", "api00 ~ ell %in% stype", "api00 ~ 1",
  "api00 ~ -1 + ell + stype", "api00 ~ ell - 1 + 1", "api00 ~ meals:stype + stype:meals"
), function(f) {
  t <- terms(as.formula(f))
  list(formula = f, labels = strs(attr(t, "term.labels")), intercept = attr(t, "intercept") == 1,
       columns = strs(colnames(model.matrix(as.formula(f), apiclus1))))
})

designs_json <- lapply(md, function(x) x$spec)
base_names <- unique(unlist(lapply(md, function(x) x$spec$base)))
write_ref(list(
  meta = meta("models", notes = c(
    "fits[].estimate etc. follow names (R's coefficient order); vcov is R's vcov(fit); ci and ci90 are confint(fit) (t quantiles on df = df.residual = degf + 1 - p); dispersion is summary(fit)$dispersion (on replicate designs with survey 4.3's fix of residuals.svrepglm, see common.R's with_fixed_svrepglm_residuals: survey 4.1.1's, n times larger, is dispersion411); iterations is fit$iter.",
    "n counts the rows a model uses (in the domain, every model variable present), nMissing the domain's rows with one missing.",
    "modelDesigns: how to rebuild each design: base (the registry), then weighting, replicate (as.svrepdesign) or columns (svrepdesign), mealcat = cut(meals, c(0, 25, 50, 75, 100)) (meals = 0 is NA), subset.",
    "olr: see the comment in models.R on optimiser control; default holds svyolr with R's default control."
  )),
  designs = specs_json(base_names),
  modelDesigns = designs_json,
  mealcatBreaks = vec(MEALCAT_BREAKS),
  fits = fits,
  matrices = matrices,
  predictions = predictions,
  termTests = term_tests,
  predmeans = predmeans,
  olr = olrs
), "models")
