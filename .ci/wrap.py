#!/usr/bin/env python3
"""Bring the exported code of the notebooks to lines of at most 120 characters, in the codebase's own style, without
pushing a module past 500 lines or an exported cell past 58: a trailing comment that makes a line long goes on its own
line above; a long comment line is rewrapped; a one-line docstring becomes a wrapped triple-quoted one; a one-line
compound statement (`if x: y`) puts its body on the next line; a long line inside a long bracket is broken after a
comma, and a long string literal is split into two adjacent literals, the continuation aligned with its bracket or
string. Every change is checked to leave the cell's AST unchanged (docstrings compared with their whitespace
normalised); a cell that would not is left as it is. Run `nbdev_export` first (module sizes are read from the package)
and after. Usage, from the project root: python .ci/wrap.py [NOTEBOOK...]  (default: every numbered page)"""

import sys, json, ast, io, re, tokenize, textwrap
W = 120

def toks(src): return list(tokenize.generate_tokens(io.StringIO(src).readline))
def ind(l): return len(l) - len(l.lstrip())

def wrap_comment(col, text):
    body = text.lstrip('#').strip()
    return [' '*col + '# ' + s for s in textwrap.wrap(body, W - col - 2, break_long_words=False, break_on_hyphens=False)]

def fix_comment(lines, ln, ts):
    cm = [t for t in ts if t.type == tokenize.COMMENT and t.start[0] == ln]
    if not cm: return False
    col, text = cm[0].start[1], cm[0].string
    l = lines[ln-1]; code = l[:col].rstrip()
    if not code: lines[ln-1:ln] = wrap_comment(col, text); return True
    if len(code) > W or code.endswith('\\'): return False
    if text.startswith('#|') or re.match(r'\s*(async\s+)?(def|class)\s', l): return False
    lines[ln-1:ln] = wrap_comment(ind(l), text) + [code]; return True

def fix_docstring(lines, ln, tree):
    for n in ast.walk(tree):
        if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str) and n.lineno == n.end_lineno == ln:
            l = lines[ln-1]; i = ind(l); v = n.value.value
            if '\n' in v or '"""' in v or '\\' in l or n.col_offset != i or n.end_col_offset != len(l.rstrip()): return False
            body = textwrap.wrap(v, W - i - 3, break_long_words=False, break_on_hyphens=False)
            new = [' '*i + '"""' + body[0]] + [' '*i + b for b in body[1:]]
            if len(new[-1]) + 3 <= W: new[-1] += '"""'
            else: new.append(' '*i + '"""')
            lines[ln-1:ln] = new; return True
    return False

def fstring_field_mask(body):
    "For an f-string body, True at each index inside a replacement field (or a doubled brace)."
    mask, i, n = [False]*len(body), 0, len(body)
    while i < n:
        c = body[i]
        if c in '{}' and i + 1 < n and body[i+1] == c: mask[i] = mask[i+1] = True; i += 2; continue
        if c == '{':
            depth, q, j = 1, None, i + 1
            while j < n and depth:
                d = body[j]
                if q: q = None if d == q else q
                elif d in '\'"': q = d
                elif d in '{[(': depth += 1
                elif d in '}])': depth -= 1
                j += 1
            for k in range(i, j): mask[k] = True
            i = j; continue
        i += 1
    return mask

def string_spans(ts, ln):
    "Single-line string literals on line `ln` at bracket depth >= 1: (start col, end col, prefix, quote, is_f)."
    res, depth, fs, fstart = [], 0, 0, None
    for t in ts:
        if t.type == getattr(tokenize, 'FSTRING_START', -1):
            if fs == 0: fstart = t
            fs += 1; continue
        if t.type == getattr(tokenize, 'FSTRING_END', -1):
            fs -= 1
            if fs == 0 and fstart.start[0] == t.end[0] == ln and depth >= 1:
                pre = fstart.string[:-1]; q = fstart.string[-1]
                if len(fstart.string) - len(pre) == 1: res.append((fstart.start[1], t.end[1], pre, q, True))
            continue
        if fs: continue
        if t.type == tokenize.OP and t.string in '([{': depth += 1
        elif t.type == tokenize.OP and t.string in ')]}': depth -= 1
        elif t.type == tokenize.STRING and t.start[0] == t.end[0] == ln and depth >= 1:
            m = re.match(r'([A-Za-z]*)(\'\'\'|"""|\'|")', t.string)
            if len(m.group(2)) == 1: res.append((t.start[1], t.end[1], m.group(1), m.group(2), 'f' in m.group(1).lower()))
    return res

def bracket_cols(ts, ln, upto):
    "The innermost open bracket before column `upto` of line `ln`: its (line, col), outside f-strings."
    stack, fs = [], 0
    for t in ts:
        if t.start[0] > ln or (t.start[0] == ln and t.start[1] >= upto): break
        if t.type == getattr(tokenize, 'FSTRING_START', -1): fs += 1; continue
        if t.type == getattr(tokenize, 'FSTRING_END', -1): fs -= 1; continue
        if fs: continue
        if t.type == tokenize.OP and t.string in '([{': stack.append(t.start)
        elif t.type == tokenize.OP and t.string in ')]}' and stack: stack.pop()
        elif t.type == tokenize.NEWLINE: stack = []
    return stack[-1] if stack else None

def _close_of(ts, k):
    "Index of the token closing the bracket token ts[k]."
    depth = 0
    for j in range(k, len(ts)):
        t = ts[j]
        if t.type == tokenize.OP and t.string in '([{': depth += 1
        elif t.type == tokenize.OP and t.string in ')]}':
            depth -= 1
            if depth == 0: return j
    return None

def fix_comma(lines, ln, ts):
    """Break line `ln` after a comma directly inside a long bracket (a call's arguments, a literal's items: more than 60
    characters, no comprehension), the shallowest such bracket, at its rightmost comma that leaves the line short."""
    l = lines[ln-1]; cands = []; fs = 0; stack = []
    for k, t in enumerate(ts):
        if t.type == getattr(tokenize, 'FSTRING_START', -1): fs += 1; continue
        if t.type == getattr(tokenize, 'FSTRING_END', -1): fs -= 1; continue
        if fs: continue
        if t.type == tokenize.NEWLINE: stack = []
        if t.start[0] > ln: break
        if t.type == tokenize.OP and t.string in '([{': stack.append(k)
        elif t.type == tokenize.OP and t.string in ')]}' and stack: stack.pop()
        elif (t.type == tokenize.OP and t.string == ',' and t.start[0] == ln and stack and t.end[1] <= W
              and l[t.end[1]:].strip() and not l[t.end[1]:].lstrip().startswith('#')):
            j = stack[-1]; lam = False; d = 0
            for u in ts[j+1:k]:  # a lambda's parameters are not a place to break
                if u.type == tokenize.OP and u.string in '([{': d += 1
                elif u.type == tokenize.OP and u.string in ')]}': d -= 1
                elif d == 0 and u.type == tokenize.NAME and u.string == 'lambda': lam = True
                elif d == 0 and u.type == tokenize.OP and u.string == ':': lam = False
            if not lam: cands.append((len(stack), t.end[1], stack[-1]))
    good = []
    for depth, end, ob in cands:
        cb = _close_of(ts, ob)
        if cb is None: continue
        inner = ts[ob+1:cb]
        span = (ts[cb].start[0] - ts[ob].start[0])*W + ts[cb].start[1] - ts[ob].start[1]
        d = 0; comp = False
        for t in inner:
            if t.type == tokenize.OP and t.string in '([{': d += 1
            elif t.type == tokenize.OP and t.string in ')]}': d -= 1
            elif d == 0 and t.type == tokenize.NAME and t.string == 'for': comp = True
        if span > 60 and not comp: good.append((depth, end, ts[ob].start))
    if not good: return False
    depth = min(c[0] for c in good)
    _, end, (bl, bc) = max((c for c in good if c[0] == depth), key=lambda c: c[1])
    vis = bc + 1 if bl == ln else ind(l)
    rest = l[end:].lstrip()
    if vis >= end - 1 or vis + len(rest) >= len(l): return False  # no progress
    if ln < len(lines):  # the next line continues the same bracket: the rest joins it where that fits
        nxt = lines[ln]
        if ind(nxt) == vis and nxt.strip() and not nxt.lstrip().startswith('#') and '#' not in rest and vis + len(rest) + 1 + len(nxt.strip()) <= W:
            lines[ln-1:ln+1] = [l[:end].rstrip(), ' '*vis + rest + ' ' + nxt.strip()]; return True
    lines[ln-1:ln] = [l[:end].rstrip(), ' '*vis + rest]; return True

def fix_string(lines, ln, ts):
    l = lines[ln-1]
    for s, e, pre, q, isf in string_spans(ts, ln):
        if not (s < W < e): continue
        body = l[s+len(pre)+1:e-1]; off = s + len(pre) + 1
        mask = fstring_field_mask(body) if isf else [False]*len(body)
        cut = None
        for k in range(min(len(body) - 1, W - 2 - off), 0, -1):
            if body[k] == ' ' and not mask[k] and body[k-1] != '\\' and k + 1 < len(body):
                cut = k; break
        if cut is None or off + cut + 2 > W or cut < 10: continue
        p1, p2 = body[:cut + 1], body[cut + 1:]
        pre1 = pre.replace('f', '').replace('F', '') if isf and not re.search(r'[{}]', p1) else pre
        pre2 = pre.replace('f', '').replace('F', '') if isf and not re.search(r'[{}]', p2) else pre
        first = l[:s] + pre1 + q + p1 + q
        if not l[e:].strip() and ln < len(lines):  # the string ends the line: its overflow goes into the next line's string
            nxt = lines[ln]; m = re.match(r'(\s*)([A-Za-z]*)(["\'])', nxt)
            if m and m.group(3) == q and len(m.group(2)) <= 2 and (not re.search(r'[{}]', p2) or isf and 'f' in m.group(2).lower()):
                np_ = m.group(2)
                if re.search(r'[{}]', p2) and 'f' not in np_.lower(): np_ = 'f' + np_
                lines[ln-1:ln+1] = [first, m.group(1) + np_ + q + p2 + nxt[m.end():]]; return True
        second = ' '*s + pre2 + q + p2 + l[e-1:]
        lines[ln-1:ln] = [first, second]; return True
    return False

def fix_compound(lines, ln, tree):
    "A one-line compound statement (`if x: y`, `for ...: y`, `def f(): return y`): its body goes on the next line."
    l = lines[ln-1]
    for n in ast.walk(tree):
        if isinstance(n, ast.stmt) and n.lineno == ln and n.col_offset > ind(l) and l[:n.col_offset].rstrip().endswith(':'):
            head = l[:n.col_offset].rstrip()
            if head.lstrip().startswith('#') or len(head) > W: continue
            delta = ind(l) + 4 - n.col_offset  # the body's continuation lines move with it
            rest = [' '*max(0, ind(x) + delta) + x.lstrip() if x.strip() else x for x in lines[ln:n.end_lineno]]
            lines[ln-1:n.end_lineno] = [head, ' '*(ind(l) + 4) + l[n.col_offset:], *rest]; return True
    return False

def _norm(src):
    "The AST of `src`, its docstrings' whitespace normalised (a rewrapped docstring reads the same)."
    t = ast.parse(src)
    for n in ast.walk(t):
        if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str):
            n.value.value = ' '.join(n.value.value.split())
    return ast.dump(t)

def same(a, b):
    try: return _norm(a) == _norm(b)
    except SyntaxError: return False

def fix_cell(src):
    skip = set()
    for _ in range(400):
        lines = src.split('\n')
        long = [i for i, l in enumerate(lines, 1) if len(l) > W and i not in skip]
        if not long: return src
        ln = long[0]
        ts = toks(src); tree = ast.parse(src)
        for f in (lambda L: fix_comment(L, ln, ts), lambda L: fix_docstring(L, ln, tree), lambda L: fix_compound(L, ln, tree),
                  lambda L: fix_string(L, ln, ts), lambda L: fix_comma(L, ln, ts)):
            L = list(lines)
            if f(L):
                new = '\n'.join(L)
                try: compile(new, 'cell', 'exec')
                except SyntaxError: continue
                if same(src, new):
                    # line numbers shifted: the skip set refers to old lines, so reset it
                    src, skip = new, set(); break
        else: skip.add(ln)
    return src


CELL, MOD = 58, 498

def _nonblank(s): return len([l for l in s.splitlines() if l.strip()])

def wrap_notebook(p):
    "Fix the long lines of `p`'s exported cells that fit the budgets, the cells that remove most for each line added first."
    nb = json.load(open(p))
    m = next((re.search(r'^#\|\s*default_exp\s+(\S+)', ''.join(c['source']), re.M) for c in nb['cells']
              if re.search(r'^#\|\s*default_exp', ''.join(c['source']), re.M)), None)
    if m is None: return 0
    budget = MOD - len(open(f'cifar_lit/{m.group(1)}.py').read().splitlines())
    cands = []
    for c in nb['cells']:
        s = ''.join(c['source'])
        if c['cell_type'] != 'code' or not re.search(r'^#\|\s*export', s, re.M) or not any(len(l) > W for l in s.split('\n')): continue
        t = fix_cell(s)
        removed = sum(len(l) > W for l in s.split('\n')) - sum(len(l) > W for l in t.split('\n'))
        added = len(t.split('\n')) - len(s.split('\n'))
        if removed > 0 and _nonblank(t) <= CELL: cands.append((removed/(added + 0.5), added, removed, c, t))
    fixed = 0
    for _, added, removed, c, t in sorted(cands, key=lambda o: -o[0]):
        if added > budget: continue
        budget -= added; c['source'] = t.splitlines(keepends=True); fixed += removed
    json.dump(nb, open(p, 'w'), indent=1, ensure_ascii=False); open(p, 'a').write('\n')
    return fixed

if __name__ == '__main__':
    import glob
    for p in sys.argv[1:] or sorted(glob.glob('nbs/[0-9]*.ipynb')): print(f"{p}: {wrap_notebook(p)} long lines fixed")
