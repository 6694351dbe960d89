# plot.gp: the CDF of time from boot to enrollment, per strategy and
# scenario, from the CSV that enrollsim --csv writes.
# gnuplot -e "csv='bench/out/enrollsim.csv'; out='docs/enrollsim-cdf.png'" bench/enrollsim/plot.gp
set datafile separator ','
set terminal pngcairo size 1100,650 font 'DejaVu Sans,11'
set output out
set title 'enrollsim: share of Macs enrolled, by minutes since boot (100,000 simulated Macs each)'
set xlabel 'minutes since boot'
set ylabel 'share of the fleet enrolled'
set xrange [0:20]
set yrange [0:1.01]
set key right bottom
set grid
scen(s) = sprintf("< grep '%s' %s", s, csv)
plot \
  scen('default.sim,fixed')      using 3:4 with lines lw 2 dt 2 lc rgb '#1f77b4' title 'default, fixed', \
  scen('default.sim,event')      using 3:4 with lines lw 2      lc rgb '#1f77b4' title 'default, event', \
  scen('slow-cooling.sim,fixed') using 3:4 with lines lw 2 dt 2 lc rgb '#d62728' title 'slow cooling, fixed', \
  scen('slow-cooling.sim,event') using 3:4 with lines lw 2      lc rgb '#d62728' title 'slow cooling, event', \
  scen('worst.sim,fixed')        using 3:4 with lines lw 2 dt 2 lc rgb '#2ca02c' title 'hot room + slow cooling + noisy dasd, fixed', \
  scen('worst.sim,event')        using 3:4 with lines lw 2      lc rgb '#2ca02c' title 'hot room + slow cooling + noisy dasd, event'
