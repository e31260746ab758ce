//go:build !amd64 || purego

package vec

// Without assembly SGEMM runs its pure-Go twin.
var sgemmDispatched = sgemmGo
