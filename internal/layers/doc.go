// Package layers holds only a test: the one that fails when fanout's
// layering breaks (see layers_test.go for the rules).
package layers
