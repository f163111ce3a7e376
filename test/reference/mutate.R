## Derived variables on designs: update() on a linearization design, after post-stratification,
## raking and linear calibration, on a replicate design (also raked), and on domains; svymean and
## svytotal of each derived variable -> mutate.json
## Run from the repository root: Rscript test/reference/mutate.R
.ref_dir <- local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
})
source(file.path(.ref_dir, "common.R"))
source(file.path(.ref_dir, "weighting-common.R"))

RAKE_TIGHT <- list(maxit = 1000, epsilon = 1e-13)

dclus1 <- make_design("dclus1")
pop.types <- margin_df(api_margins[[1]])
raked <- rake(dclus1, margin_formulas(api_margins), margin_dfs(api_margins), control = RAKE_TIGHT)
poststrat <- postStratify(dclus1, ~stype, pop.types)
## linear calibration (GREG) to the same margins: population totals of the model columns
cal_pop <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, sch.wideYes = 5122)
calibrated <- calibrate(dclus1, ~stype + sch.wide, cal_pop, calfun = "linear")
jk1 <- as.svrepdesign(dclus1, type = "JK1")
jk1_raked <- rake(jk1, margin_formulas(api_margins), margin_dfs(api_margins), control = RAKE_TIGHT)

designs <- list(
  dclus1 = list(d = dclus1, call = "svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=apiclus1)"),
  raked = list(d = raked, call = "rake(dclus1, list(~stype, ~sch.wide), <api margins>, control=list(maxit=1000, epsilon=1e-13))"),
  poststrat = list(d = poststrat, call = "postStratify(dclus1, ~stype, <stype margin>)"),
  calibrated = list(d = calibrated, call = "calibrate(dclus1, ~stype + sch.wide, c(6194, 755, 1018, 5122), calfun='linear')"),
  jk1 = list(d = jk1, call = "as.svrepdesign(dclus1, type='JK1')"),
  jk1_raked = list(d = jk1_raked, call = "rake(jk1, list(~stype, ~sch.wide), <api margins>, control=list(maxit=1000, epsilon=1e-13))"),
  ## domains: update() of the subset design (values computed row by row, as for the whole design)
  dclus1_E = list(d = subset(dclus1, stype == "E"), call = "subset(dclus1, stype == 'E')"),
  raked_E = list(d = subset(raked, stype == "E"), call = "subset(raked, stype == 'E')"),
  jk1_raked_yes = list(d = subset(jk1_raked, sch.wide == "Yes"), call = "subset(jk1_raked, sch.wide == 'Yes')")
)

## The derived variables (the TypeScript test makes each the same way, see test/design/mutate.test.ts)
derive <- function(d) update(d,
  hi = as.numeric(api00 > 700),                       # a row function giving a boolean (1/0)
  gain = api00 - api99,                               # a row function giving numbers
  small = as.numeric(acs.k3 <= 20),                   # numbers with NA (acs.k3 is NA in 39 rows)
  band = factor(ifelse(api00 >= 750, "high", ifelse(api00 >= 650, "mid", "low")),
                levels = c("high", "mid", "low", "none")),  # given levels, one absent
  kenroll = enroll / 1000,                            # a whole column of numbers
  size = factor(ifelse(enroll > 500, "large", "small"))  # a whole column of texts, sorted levels
)
variables <- c("hi", "gain", "small", "band", "kenroll", "size")

cases <- list()
for (name in names(designs)) {
  d <- derive(designs[[name]]$d)
  for (v in variables) for (stat in c("mean", "total")) {
    f <- as.formula(paste0("~", v))
    ## na.rm=TRUE wherever the variable has NA, also outside a domain (R's subset of a calibrated
    ## design keeps those rows with weight 0, and svymean(na.rm=FALSE) would give NA)
    naRm <- any(is.na(d$variables[[v]]))
    r <- if (stat == "mean") svymean(f, d, na.rm = naRm) else svytotal(f, d, na.rm = naRm)
    x <- d$variables[[v]]
    cases[[length(cases) + 1]] <- list(
      design = name, variable = v, statistic = stat, naRm = naRm,
      levels = if (is.factor(x)) strs(levels(x)) else NA,
      estimate = vec(coef(r)), se = vec(SE(r)))
  }
}

write_ref(list(
  meta = meta("mutate", notes = c(
    "update(design, ...) then svymean/svytotal (na.rm=TRUE where the variable has NA in any row the design keeps).",
    "designs: dclus1 and what weighting made of it (margins: weighting-common.R api_margins), JK1 replicates of dclus1, and domains of them.",
    "levels: the factor levels (the order of the estimates) for factors, null for numeric variables."
  )),
  designs = lapply(designs, function(x) x$call),
  margins = margins_json(api_margins),
  calibrationTotals = as.list(cal_pop),
  cases = cases
), "mutate")
