## Populations and margin helpers shared by weighting.R, weighting-replicate.R and
## weighting-domain.R (sourced after common.R): the margins the weighting cases rake, post-stratify
## and calibrate to, and the trimming rule R 4.1.1's trimWeights.svyrep.design means (see
## weighting-replicate.R).

api_margins <- list(
  list(variable = "stype", population = list(E = 4421, H = 755, M = 1018)),
  list(variable = "sch.wide", population = list(No = 1072, Yes = 5122))
)
poll_margins <- list(
  list(variable = "sex", population = list(Female = 260000, Male = 240000)),
  list(variable = "agegroup", population = list(`18-29` = 95000, `30-39` = 90000, `40-49` = 100000,
                                               `50-59` = 95000, `60+` = 120000))
)
poll_cells <- data.frame(
  sex = rep(c("Female", "Male"), each = 5),
  agegroup = rep(c("18-29", "30-39", "40-49", "50-59", "60+"), 2),
  Freq = c(47000, 46000, 51000, 50000, 66000, 48000, 44000, 49000, 45000, 54000)
)
AGE_TOTAL <- 23500000  # population total of age for calibration with a numeric variable

margin_df <- function(m) {
  df <- data.frame(names(m$population), unlist(m$population), stringsAsFactors = FALSE)
  names(df) <- c(m$variable, "Freq")
  rownames(df) <- NULL
  df
}
margin_formulas <- function(ms) lapply(ms, function(m) as.formula(paste0("~", m$variable)))
margin_dfs <- function(ms) lapply(ms, margin_df)
margins_json <- function(ms) lapply(ms, function(m) list(variable = m$variable, population = m$population))
cells_json <- function(df, vars) lapply(seq_len(nrow(df)), function(i) {
  r <- lapply(vars, function(v) as.character(df[[v]][i])); names(r) <- vars
  c(r, list(count = df$Freq[i]))
})
est_spec <- function(statistic, variable, subset = NULL) list(statistic = statistic, variable = variable, subset = subset)

## trimWeights.survey.design2's rule on one set of weights (skip_zero: a replicate's zero weights
## stay 0 and take no share), and a replicate design with its full-sample and replicate weights
## trimmed by it: what R's broken trimWeights.svyrep.design means (see weighting-replicate.R).
## The rule is survey 4.2's (written here from its definition, not from survey's code): weights
## outside the bounds are set to the bound and the amount cut off is shared equally by the
## weights inside; with strict, repeated while any is outside, each further pass sharing only
## among the weights never trimmed. survey 4.1.1 shares it with every weight inside, those
## trimmed to a bound included (they can be pushed out again), and recurses on the design, so
## 1/(1/w) rounding can keep it going without end (NEWS 4.2: "trimWeights() could get into an
## infinite recursion"). A pass with nothing left to share with stops ("trimming failed": R
## warns and lets the total change).
trim_rule <- function(w, lower, upper, strict, skip_zero) {
  passes <- 0
  use <- if (skip_zero) w != 0 else rep(TRUE, length(w))
  trimmed <- rep(FALSE, length(w))
  repeat {
    outside <- use & (w < lower | w > upper)
    if (!any(outside)) break
    wnew <- w
    wnew[outside] <- pmax(lower, pmin(w[outside], upper))
    share <- use & !outside & !trimmed
    if (!any(share)) stop("trimming failed")
    wnew[share] <- wnew[share] + sum(w[outside] - wnew[outside]) / sum(share)
    trimmed <- trimmed | outside
    w <- wnew
    passes <- passes + 1
    if (!strict) break
  }
  structure(w, passes = passes)
}
## survey 4.2's trimWeights.survey.design2: the rule above, the design's probabilities set once.
trim_design2_42 <- function(design, upper = Inf, lower = -Inf, strict = FALSE, ...) {
  t <- trim_rule(weights(design, "sampling"), lower, upper, strict, FALSE)
  if (attr(t, "passes") == 0) return(design)
  design$prob <- 1 / as.vector(t)
  design$call <- sys.call()
  design$call[[1]] <- as.name("trimWeights")
  design
}
## expr with survey 4.2's trimWeights.survey.design2 in place of 4.1.1's.
with_fixed_trim <- function(expr) {
  old <- survey:::trimWeights.survey.design2
  assignInNamespace("trimWeights.survey.design2", trim_design2_42, "survey")
  on.exit(assignInNamespace("trimWeights.survey.design2", old, "survey"))
  expr
}
trim_design <- function(d, lower, upper, strict) {
  pw <- trim_rule(weights(d, "sampling"), lower, upper, strict, FALSE)
  W <- as.matrix(weights(d, "analysis"))
  passes <- integer(ncol(W))
  for (r in seq_len(ncol(W))) {
    t <- trim_rule(W[, r], lower, upper, strict, TRUE)
    W[, r] <- as.vector(t)
    passes[r] <- attr(t, "passes")
  }
  d$pweights <- as.vector(pw)
  d$repweights <- W
  d$combined.weights <- TRUE
  ## R's svytotal on combined weights indexes pw = 1 by selfrep (giving NA) when selfrep is set;
  ## as.svrepdesign sets it to all FALSE for JK1/JKn, which drops nothing, so it goes.
  d$selfrep <- NULL
  structure(d, fullPasses = attr(pw, "passes"), replicatePasses = passes)
}
