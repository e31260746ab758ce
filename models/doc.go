// Package models embeds mynah's trained default models, so the commands
// work with no download. Each model file has a card (README.md beside it)
// naming its data and licences, the command that made it, its training
// ledger and measured figures.
package models
