# R's bundled data sets, exported for the quality benchmark (R's `datasets` package; nothing downloaded).
#   Rscript bench/quality/data/make_r_data.R   (run from the repository root)
out <- "bench/quality/data"
write.csv(faithful, file.path(out, "faithful.csv"), row.names = FALSE, quote = FALSE)
write.csv(iris[, 1:4], file.path(out, "iris.csv"), row.names = FALSE, quote = FALSE)
