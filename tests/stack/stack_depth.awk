# The deepest stack of a function from gcc's -fcallgraph-info=su output:
# the largest sum of frame sizes along any call path from ROOT, with
# EXTERN bytes for each function of which the .ci has no frame (library
# functions such as memcpy).  Prints "BYTES PATH"; exits 1 on recursion,
# on a frame of unbounded size (alloca, VLA), or when ROOT is not in the graph.
#
#   awk -v root=net_run -v extern=256 -f stack_depth.awk model.ci
function field(line, key,    s) {
  s = substr(line, index(line, key ": \"") + length(key) + 3)
  return substr(s, 1, index(s, "\"") - 1)
}
function depth(f,    i, d, best, bestp) {
  if (f in memo) return memo[f]
  if (f in busy) { print "recursion through " f > "/dev/stderr"; bad = 1; return 0 }
  busy[f] = 1
  best = 0; bestp = ""
  for (i = 1; i <= nout[f]; i++) {
    d = depth(out[f, i])
    if (d > best) { best = d; bestp = via[out[f, i]] }
  }
  delete busy[f]
  memo[f] = (f in size ? size[f] : extern) + best
  via[f] = name[f] (bestp != "" ? " > " bestp : "")
  return memo[f]
}
/^node:/ {
  t = field($0, "title"); l = field($0, "label")
  name[t] = l; sub(/\\n.*/, "", name[t])
  if (l ~ /bytes \(/) {
    s = l; sub(/ bytes \(.*/, "", s); sub(/.*\\n/, "", s)
    size[t] = s + 0
    # "dynamic,bounded" (a realigned frame) is bounded by the figure
    if (l ~ /dynamic/ && l !~ /bounded/) { print "unbounded frame: " name[t] > "/dev/stderr"; bad = 1 }
  }
  if (name[t] == root) rootid = t
}
/^edge:/ {
  s = field($0, "sourcename"); d = field($0, "targetname")
  if (!((s, d) in seen)) { seen[s, d] = 1; out[s, ++nout[s]] = d }
}
END {
  if (rootid == "") { print "no function " root > "/dev/stderr"; exit 1 }
  n = depth(rootid)
  print n, via[rootid]
  exit bad
}
