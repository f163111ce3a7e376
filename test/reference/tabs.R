## R references for banner tables (src/tabs/, test/tabs/tabs-reference.test.ts).
## Run from the repository root: Rscript test/reference/tabs.R  -> tabs.json
##
## A banner table's cell is a domain estimate: the mean of y (a level's 0/1 indicator, a net's
## 0/1, a multiple-response option's 0/1, 100 x the number of options named, or a numeric
## variable) among the respondents of a banner column with a value of y. For every row y and
## banner variable g of each case:
##  - the Total: svymean(~y, design, na.rm = TRUE);
##  - the columns: svyby(~y, ~g, subset(design, !is.na(y)), svymean, covmat = TRUE) (= na.rm), and every pair
##    of columns: svycontrast(b, c(k1 = 1, k2 = -1)), t = estimate / SE, p = 2 pt(-|t|, degf),
##    p.adjust over the row's pairs (bonferroni, holm, BH);
##  - each column against the Total (a part and the whole): svyratio with numerators
##    (y a [g == k] for every k, y a) and denominators (a [g == k], a), a = 1 where y is not NA,
##    covmat = TRUE, then svycontrast of the pair (column k, Total) (as poll.R's subgroups);
##    p.adjust over the row's columns;
##  - the letters, computed here from those p-values: columns A (Total), B, C, ... in banner
##    order; a column gets the id of each column of its banner variable it is higher than,
##    UPPER-case when the adjusted p < 0.05, lower-case when < 0.10 (level c(0.95, 0.90)).
## degf is that of the design the case uses (for a domain: of the subset design).
source(file.path(local({
  f <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(f)) dirname(normalizePath(sub("^--file=", "", f[1]))) else "test/reference"
}), "common.R"))

root_dir <- normalizePath(file.path(ref_dir, "..", ".."))
num <- function(x) I(unname(as.numeric(x)))
methods <- c("none", "bonferroni", "holm", "BH")

## ---- designs -------------------------------------------------------------------------
dclus1 <- make_design("dclus1")
dpoll <- make_design("dpoll")
jk1 <- as.svrepdesign(dclus1, type = "JK1")
## raked as README's example (R's tests/rakecheck margins)
pop_stype <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop_sch <- data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122))
raked <- rake(dclus1, list(~stype, ~sch.wide), list(pop_stype, pop_sch),
              control = list(maxit = 100, epsilon = 1e-12, verbose = FALSE))
dom <- subset(dpoll, !is.na(support) & support == 1)

## the bundled poll (as poll.R reads it)
codebook <- jsonlite::fromJSON(file.path(root_dir, "data", "codebook.json"), simplifyVector = FALSE)
labels_of <- function(v) {
  vv <- Filter(function(x) x$name == v, codebook$variables)[[1]]
  list(codes = vapply(vv$values, function(x) as.character(x$code), ""),
       labels = vapply(vv$values, function(x) x$label, ""))
}
bel <- read.csv(file.path(root_dir, "data", "belarus-2021-12.csv"), stringsAsFactors = FALSE)
countries <- c("russia", "china", "kazakhstan", "ukraine", "poland", "lithuania", "latvia",
               "germany", "usa", "azerbaijan", "uzbekistan", "armenia")
for (v in c(paste0("att_", countries), "eeu_kz_coop", "eeu_membership")) bel[[v]][bel[[v]] == 99] <- NA
for (v in c("sex", "agegroup", "region", "settlement", "education", "eeu_membership")) {
  l <- labels_of(v)
  l$codes <- setdiff(l$codes, "99"); l$labels <- l$labels[seq_along(l$codes)]
  bel[[v]] <- factor(l$labels[match(as.character(bel[[v]]), l$codes)], levels = l$labels)
}
dbel <- svydesign(id = ~psu, strata = ~stratum, weights = ~design_weight, nest = TRUE, data = bel)

designs <- list(
  dclus1 = list(rcall = "svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=apiclus1)", degf = degf(dclus1)),
  dpoll = list(rcall = design_specs$dpoll$rcall, degf = degf(dpoll)),
  jk1 = list(rcall = "as.svrepdesign(dclus1, type = 'JK1')", degf = degf(jk1)),
  raked = list(rcall = "rake(dclus1, list(~stype, ~sch.wide), list(E=4421,H=755,M=1018; No=1072,Yes=5122), epsilon=1e-12)",
               degf = degf(raked)),
  dom = list(rcall = "subset(dpoll, !is.na(support) & support == 1)", degf = degf(dom)),
  bel = list(rcall = "svydesign(id=~psu, strata=~stratum, weights=~design_weight, nest=TRUE, data=belarus-2021-12) (99 -> NA, codebook labels)",
             degf = degf(dbel))
)

## ---- one row y by one banner variable g --------------------------------------------
row_by <- function(d, y, g) {
  df <- degf(d)
  dd <- update(d, .y = y, .g = g)
  tot <- svymean(~.y, dd, na.rm = TRUE)
  a <- as.numeric(!is.na(y))
  inset <- if (inherits(d, "svyrep.design")) rep(TRUE, length(y)) else weights(d, "sampling") != 0
  keep <- vapply(levels(g), function(l) any(a[inset & !is.na(g) & g == l] == 1), TRUE)
  levs <- levels(g)[keep]
  ## survey 4.1.1's svyby(covmat = TRUE, na.rm = TRUE) stops on NAs (see by.R): the same domain
  ## estimates on the subset of rows with a value. On a raked design svyby(covmat = TRUE) stops
  ## whatever the NAs (its influence matrix has the design's rows, not the group's): there the
  ## columns' estimates, SEs and pairs come from the svyratio below (the same linearization).
  db <- if (any(is.na(y) | is.na(g))) subset(dd, !is.na(.g) & !is.na(.y)) else dd
  b <- tryCatch(svyby(~.y, ~.g, db, svymean, covmat = TRUE), error = function(e) NULL)
  ## part against the whole: svyratio of every column and the Total, jointly
  y0 <- ifelse(is.na(y), 0, y)
  ing <- sapply(levs, function(l) as.numeric(!is.na(g) & g == l))
  r <- svyratio(cbind(y0 * a * ing, y0 * a), cbind(a * ing, a), dd, covmat = TRUE)
  K <- length(levs) + 1
  pick <- (seq_len(K) - 1) * K + seq_len(K)
  ratio_contrast <- function(l, m) {
    cw <- rep(0, length(coef(r))); cw[pick[l]] <- 1; cw[pick[m]] <- -1
    svycontrast(r, cw)
  }
  if (!is.null(b)) {
    b_est <- coef(b)[levs]; b_se <- SE(b)[match(levs, names(coef(b)))]
  } else {
    b_est <- coef(r)[pick[-K]]; b_se <- sqrt(diag(vcov(r))[pick[-K]])
  }
  pairs <- list()
  for (i in seq_along(levs)) for (j in seq_along(levs)) if (i < j) {
    cc <- if (!is.null(b)) svycontrast(b, setNames(c(1, -1), levs[c(i, j)])) else ratio_contrast(i, j)
    est <- as.numeric(coef(cc)); se <- as.numeric(SE(cc)); t <- est / se
    pairs[[length(pairs) + 1]] <- list(a = levs[i], b = levs[j], difference = est, se = se, t = t,
                                       p = 2 * pt(-abs(t), df))
  }
  p <- vapply(pairs, function(x) x$p, 0)
  for (m in methods) {
    adj <- p.adjust(p, m)
    for (k in seq_along(pairs)) pairs[[k]][[paste0("p_", m)]] <- adj[k]
  }
  vs <- lapply(seq_along(levs), function(l) {
    cc <- ratio_contrast(l, K)
    est <- as.numeric(coef(cc)); se <- as.numeric(SE(cc)); t <- est / se
    list(level = levs[l], difference = est, se = se, t = t, p = 2 * pt(-abs(t), df))
  })
  pv <- vapply(vs, function(x) x$p, 0)
  for (m in methods) {
    adj <- p.adjust(pv, m)
    for (k in seq_along(vs)) vs[[k]][[paste0("p_", m)]] <- adj[k]
  }
  list(total = list(estimate = as.numeric(coef(tot)), se = as.numeric(SE(tot)), n = sum(a[inset] == 1)),
       columns = lapply(seq_along(levs), function(l) list(
         level = levs[l], estimate = as.numeric(b_est[l]), se = as.numeric(b_se[l]),
         n = sum(a[inset] == 1 & ing[inset, l] == 1))),
       pairsFrom = if (is.null(b)) "svyratio" else "svyby", pairs = pairs, vsTotal = vs)
}

## letters of one row and banner variable: ids of the columns (in banner order) each is higher than
letters_of <- function(rb, ids, method) {
  out <- setNames(rep("", length(ids)), names(ids))
  for (pr in rb$pairs) {
    padj <- pr[[paste0("p_", method)]]
    win <- if (pr$difference > 0) pr$a else if (pr$difference < 0) pr$b else NA
    lose <- if (pr$difference > 0) pr$b else pr$a
    if (is.na(win)) next
    id <- if (padj < 0.05) toupper(ids[[lose]]) else if (padj < 0.10) tolower(ids[[lose]]) else ""
    out[[win]] <- paste0(out[[win]], id)
  }
  ## order the letters by column
  lapply(out, function(s) { ch <- strsplit(s, "")[[1]]; paste(ch[order(toupper(ch), method = "radix")], collapse = "") })
}

## a case: rows (named list of y vectors) by banner variables (named list of factors)
tab_case <- function(id, dname, d, rows, banner, spec) {
  ## column ids: A is the Total, then each banner variable's levels in order
  ids <- list(); k <- 1
  for (v in names(banner)) for (l in levels(banner[[v]])) { k <- k + 1; ids[[paste(v, l, sep = "\r")]] <- LETTERS[k] }
  out_rows <- lapply(names(rows), function(rn) {
    y <- rows[[rn]]
    by <- lapply(names(banner), function(v) {
      rb <- row_by(d, y, banner[[v]])
      vids <- setNames(lapply(levels(banner[[v]]), function(l) ids[[paste(v, l, sep = "\r")]]), levels(banner[[v]]))
      rb$variable <- v
      rb$letters <- setNames(lapply(methods, function(m) letters_of(rb, vids, m)), methods)
      rb
    })
    list(row = rn, by = by)
  })
  list(id = id, design = dname, degf = degf(d), spec = spec, rows = out_rows)
}

ind <- function(x, l) ifelse(is.na(x), NA, as.numeric(x == l))
api1 <- dclus1$variables

cases <- list(
  tab_case("dclus1-schwide-by-stype", "dclus1", dclus1,
           list(No = ind(api1$sch.wide, "No"), Yes = ind(api1$sch.wide, "Yes")),
           list(stype = api1$stype),
           list(rows = "sch.wide", banner = "stype")),
  tab_case("dclus1-api00-awards-by-stype-both", "dclus1", dclus1,
           list(api00 = api1$api00, `awards:Yes` = ind(api1$awards, "Yes"), avg.ed = api1$avg.ed),
           list(stype = api1$stype, both = api1$both),
           list(rows = c("api00", "awards", "avg.ed"), banner = c("stype", "both"))),
  tab_case("jk1-schwide-api00-by-stype", "jk1", jk1,
           list(`sch.wide:Yes` = ind(jk1$variables$sch.wide, "Yes"), api00 = jk1$variables$api00),
           list(stype = jk1$variables$stype),
           list(rows = c("sch.wide", "api00"), banner = "stype")),
  tab_case("raked-awards-api00-by-stype", "raked", raked,
           list(`awards:Yes` = ind(raked$variables$awards, "Yes"), api00 = raked$variables$api00),
           list(stype = raked$variables$stype, comp.imp = raked$variables$comp.imp),
           list(rows = c("awards", "api00"), banner = c("stype", "comp.imp"))),
  local({
    pv <- dpoll$variables
    att <- pv$attitude
    tab_case("dpoll-attitude-net-income-by-sex-agegroup", "dpoll", dpoll,
             c(setNames(lapply(levels(att), function(l) ind(att, l)), levels(att)),
               list(`net:Positive or neutral` = ifelse(is.na(att), NA, as.numeric(att %in% c("Positive", "Neutral"))),
                    income = pv$income)),
             list(sex = pv$sex, agegroup = pv$agegroup),
             list(rows = c("attitude", "net", "income"), banner = c("sex", "agegroup")))
  }),
  local({
    pv <- dom$variables
    att <- pv$attitude
    tab_case("dom-attitude-by-sex", "dom", dom,
             setNames(lapply(levels(att), function(l) ind(att, l)), levels(att)),
             list(sex = pv$sex),
             list(rows = "attitude", banner = "sex", subset = "support == 1"))
  }),
  local({
    bv <- dbel$variables
    rel <- c(paste0("rel_", countries), "rel_none", "rel_dk")
    X <- as.matrix(bv[, rel])
    answered <- complete.cases(X)
    opts <- setNames(lapply(rel, function(v) ifelse(answered, X[, v], NA)), rel)
    mentions <- ifelse(answered, 100 * rowSums(X), NA)
    mem <- bv$eeu_membership
    tab_case("bel-reliable-membership-by-sex-settlement", "bel", dbel,
             c(opts, list(mentions = mentions),
               setNames(lapply(levels(mem), function(l) ind(mem, l)), paste0("eeu_membership:", levels(mem)))),
             list(sex = bv$sex, settlement = bv$settlement),
             list(rows = c("reliable (multiple response)", "eeu_membership"), banner = c("sex", "settlement")))
  })
)

write_ref(list(
  meta = meta("tabs", c(
    "Cells: svymean (Total) and svyby(covmat=TRUE) (columns) of each row's y with na.rm = TRUE.",
    "Pairs: svycontrast on the svyby; vsTotal: svyratio(covmat=TRUE) of (column, Total) + svycontrast.",
    "p = 2 pt(-|t|, degf(design)); p_<method> = p.adjust over the row's pairs (or its columns, for vsTotal).",
    "letters[method]: per column level, the ids it is higher than at adjusted p < 0.05 (upper case) or < 0.10 (lower case).",
    "bel: rel_* are the 'most reliable partners' options; rows answering none of them (all NA) are outside the base."
  )),
  designs = designs,
  cases = cases
), "tabs")
