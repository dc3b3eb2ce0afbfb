# R's iris and faithful data sets as CSV files, written as R users write them (write.csv: a quoted header, an
# unnamed first column of row names, text quoted). The command line's tests read them.
#   Rscript examples/make-r-examples.R   (from the repository root)
write.csv(iris, "examples/iris.csv")
write.csv(faithful, "examples/faithful.csv")
