# Praat pitch golden: To Pitch (ac) with the standard settings except a
# 10 ms step and the 50–500 Hz range; writes "t1 dt" then one F0 per line
# (0 where unvoiced).
form Pitch golden
	sentence infile
	sentence outfile
endform
Read from file: infile$
To Pitch (ac): 0.01, 50, 15, "no", 0.03, 0.45, 0.01, 0.35, 0.14, 500
n = Get number of frames
t1 = Get time from frame number: 1
writeFileLine: outfile$, fixed$(t1, 6), " 0.01"
for i to n
	f = Get value in frame: i, "Hertz"
	if f = undefined
		f = 0
	endif
	appendFileLine: outfile$, fixed$(f, 2)
endfor
