## Populations and margin helpers shared by weighting.R and weighting-replicate.R (sourced after
## common.R): the margins the weighting cases rake, post-stratify and calibrate to.

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
