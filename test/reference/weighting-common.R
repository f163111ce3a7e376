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
## trimmed by it: what R 4.1.1's broken trimWeights.svyrep.design means (see weighting-replicate.R).
trim_rule <- function(w, lower, upper, strict, skip_zero) {
  passes <- 0
  repeat {
    use <- if (skip_zero) w != 0 else rep(TRUE, length(w))
    outside <- use & (w < lower | w > upper)
    if (!any(outside)) break
    wnew <- w
    wnew[outside] <- pmax(lower, pmin(w[outside], upper))
    inside <- use & !outside
    wnew[inside] <- wnew[inside] + sum(w[outside] - wnew[outside]) / sum(inside)
    w <- wnew
    passes <- passes + 1
    if (!strict) break
  }
  structure(w, passes = passes)
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
