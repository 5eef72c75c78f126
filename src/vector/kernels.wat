;; Quiver distance kernels: WASM SIMD (f32x4) over vectors that live in a shared linear memory.
;; Every kernel: (queryPtr, basePtr, n, dim, outPtr) with byte pointers; scores row i of the base
;; (at basePtr + i*dim*4) against the query and stores one f32 per row at outPtr + i*4.
;; Pointers are unsigned (up to 4 GiB), so only i32.ne / *_u comparisons are used on them.
;; Rows are processed 16 floats at a time (4 accumulators), then 4 at a time, then a scalar tail.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; Squared L2 distance: sum((q - x)^2).
  (func (export "l2sq") (param $q i32) (param $x i32) (param $n i32) (param $dim i32) (param $out i32)
    (local $rowBytes i32) (local $bytes16 i32) (local $bytes4 i32) (local $outEnd i32)
    (local $i i32) (local $qi i32) (local $xi i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $d v128)
    (local $s f32) (local $t f32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $rowBytes (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $bytes16 (i32.and (local.get $rowBytes) (i32.const -64)))
    (local.set $bytes4 (i32.and (local.get $rowBytes) (i32.const -16)))
    (local.set $outEnd (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (loop $rows
      (local.set $a0 (v128.const i64x2 0 0))
      (local.set $a1 (v128.const i64x2 0 0))
      (local.set $a2 (v128.const i64x2 0 0))
      (local.set $a3 (v128.const i64x2 0 0))
      (local.set $i (i32.const 0))
      (block $done16
        (br_if $done16 (i32.eqz (local.get $bytes16)))
        (loop $l16
          (local.set $qi (i32.add (local.get $q) (local.get $i)))
          (local.set $xi (i32.add (local.get $x) (local.get $i)))
          (local.set $d (f32x4.sub (v128.load (local.get $qi)) (v128.load (local.get $xi))))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $d) (local.get $d))))
          (local.set $d (f32x4.sub (v128.load offset=16 (local.get $qi)) (v128.load offset=16 (local.get $xi))))
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $d) (local.get $d))))
          (local.set $d (f32x4.sub (v128.load offset=32 (local.get $qi)) (v128.load offset=32 (local.get $xi))))
          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $d) (local.get $d))))
          (local.set $d (f32x4.sub (v128.load offset=48 (local.get $qi)) (v128.load offset=48 (local.get $xi))))
          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $d) (local.get $d))))
          (local.set $i (i32.add (local.get $i) (i32.const 64)))
          (br_if $l16 (i32.lt_u (local.get $i) (local.get $bytes16)))))
      (block $done4
        (loop $l4
          (br_if $done4 (i32.ge_u (local.get $i) (local.get $bytes4)))
          (local.set $d (f32x4.sub
            (v128.load (i32.add (local.get $q) (local.get $i)))
            (v128.load (i32.add (local.get $x) (local.get $i)))))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $d) (local.get $d))))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br $l4)))
      (local.set $a0 (f32x4.add
        (f32x4.add (local.get $a0) (local.get $a1))
        (f32x4.add (local.get $a2) (local.get $a3))))
      (local.set $s (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
        (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))
      (block $done1
        (loop $l1
          (br_if $done1 (i32.ge_u (local.get $i) (local.get $rowBytes)))
          (local.set $t (f32.sub
            (f32.load (i32.add (local.get $q) (local.get $i)))
            (f32.load (i32.add (local.get $x) (local.get $i)))))
          (local.set $s (f32.add (local.get $s) (f32.mul (local.get $t) (local.get $t))))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))
          (br $l1)))
      (f32.store (local.get $out) (local.get $s))
      (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (br_if $rows (i32.ne (local.get $out) (local.get $outEnd)))))

  ;; Inner product: sum(q * x).
  (func (export "ip") (param $q i32) (param $x i32) (param $n i32) (param $dim i32) (param $out i32)
    (local $rowBytes i32) (local $bytes16 i32) (local $bytes4 i32) (local $outEnd i32)
    (local $i i32) (local $qi i32) (local $xi i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $s f32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $rowBytes (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $bytes16 (i32.and (local.get $rowBytes) (i32.const -64)))
    (local.set $bytes4 (i32.and (local.get $rowBytes) (i32.const -16)))
    (local.set $outEnd (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (loop $rows
      (local.set $a0 (v128.const i64x2 0 0))
      (local.set $a1 (v128.const i64x2 0 0))
      (local.set $a2 (v128.const i64x2 0 0))
      (local.set $a3 (v128.const i64x2 0 0))
      (local.set $i (i32.const 0))
      (block $done16
        (br_if $done16 (i32.eqz (local.get $bytes16)))
        (loop $l16
          (local.set $qi (i32.add (local.get $q) (local.get $i)))
          (local.set $xi (i32.add (local.get $x) (local.get $i)))
          (local.set $a0 (f32x4.add (local.get $a0)
            (f32x4.mul (v128.load (local.get $qi)) (v128.load (local.get $xi)))))
          (local.set $a1 (f32x4.add (local.get $a1)
            (f32x4.mul (v128.load offset=16 (local.get $qi)) (v128.load offset=16 (local.get $xi)))))
          (local.set $a2 (f32x4.add (local.get $a2)
            (f32x4.mul (v128.load offset=32 (local.get $qi)) (v128.load offset=32 (local.get $xi)))))
          (local.set $a3 (f32x4.add (local.get $a3)
            (f32x4.mul (v128.load offset=48 (local.get $qi)) (v128.load offset=48 (local.get $xi)))))
          (local.set $i (i32.add (local.get $i) (i32.const 64)))
          (br_if $l16 (i32.lt_u (local.get $i) (local.get $bytes16)))))
      (block $done4
        (loop $l4
          (br_if $done4 (i32.ge_u (local.get $i) (local.get $bytes4)))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul
            (v128.load (i32.add (local.get $q) (local.get $i)))
            (v128.load (i32.add (local.get $x) (local.get $i))))))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br $l4)))
      (local.set $a0 (f32x4.add
        (f32x4.add (local.get $a0) (local.get $a1))
        (f32x4.add (local.get $a2) (local.get $a3))))
      (local.set $s (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
        (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))
      (block $done1
        (loop $l1
          (br_if $done1 (i32.ge_u (local.get $i) (local.get $rowBytes)))
          (local.set $s (f32.add (local.get $s) (f32.mul
            (f32.load (i32.add (local.get $q) (local.get $i)))
            (f32.load (i32.add (local.get $x) (local.get $i))))))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))
          (br $l1)))
      (f32.store (local.get $out) (local.get $s))
      (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (br_if $rows (i32.ne (local.get $out) (local.get $outEnd)))))

  ;; |a|^2 of one vector (once per call, so kept simple: 4 lanes, then a scalar tail).
  (func $sumsq (param $a i32) (param $dim i32) (result f32)
    (local $rowBytes i32) (local $bytes4 i32) (local $i i32) (local $acc v128) (local $v v128)
    (local $s f32) (local $t f32)
    (local.set $rowBytes (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $bytes4 (i32.and (local.get $rowBytes) (i32.const -16)))
    (block $done4
      (loop $l4
        (br_if $done4 (i32.ge_u (local.get $i) (local.get $bytes4)))
        (local.set $v (v128.load (i32.add (local.get $a) (local.get $i))))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $v) (local.get $v))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $l4)))
    (local.set $s (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
      (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
    (block $done1
      (loop $l1
        (br_if $done1 (i32.ge_u (local.get $i) (local.get $rowBytes)))
        (local.set $t (f32.load (i32.add (local.get $a) (local.get $i))))
        (local.set $s (f32.add (local.get $s) (f32.mul (local.get $t) (local.get $t))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $l1)))
    (local.get $s))

  ;; Cosine similarity: dot / (|q| * |x|), 0 when either norm is 0. |q| is computed once per call;
  ;; each row's dot and |x|^2 are accumulated in the same pass over x.
  (func (export "cosine") (param $q i32) (param $x i32) (param $n i32) (param $dim i32) (param $out i32)
    (local $rowBytes i32) (local $bytes16 i32) (local $bytes4 i32) (local $outEnd i32)
    (local $i i32) (local $qi i32) (local $xi i32)
    (local $d0 v128) (local $d1 v128) (local $d2 v128) (local $d3 v128)
    (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128) (local $v v128)
    (local $dot f32) (local $xx f32) (local $qNorm f32) (local $t f32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $qNorm (f32.sqrt (call $sumsq (local.get $q) (local.get $dim))))
    (local.set $rowBytes (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $bytes16 (i32.and (local.get $rowBytes) (i32.const -64)))
    (local.set $bytes4 (i32.and (local.get $rowBytes) (i32.const -16)))
    (local.set $outEnd (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (loop $rows
      (local.set $d0 (v128.const i64x2 0 0))
      (local.set $d1 (v128.const i64x2 0 0))
      (local.set $d2 (v128.const i64x2 0 0))
      (local.set $d3 (v128.const i64x2 0 0))
      (local.set $m0 (v128.const i64x2 0 0))
      (local.set $m1 (v128.const i64x2 0 0))
      (local.set $m2 (v128.const i64x2 0 0))
      (local.set $m3 (v128.const i64x2 0 0))
      (local.set $i (i32.const 0))
      (block $done16
        (br_if $done16 (i32.eqz (local.get $bytes16)))
        (loop $l16
          (local.set $qi (i32.add (local.get $q) (local.get $i)))
          (local.set $xi (i32.add (local.get $x) (local.get $i)))
          (local.set $v (v128.load (local.get $xi)))
          (local.set $d0 (f32x4.add (local.get $d0) (f32x4.mul (v128.load (local.get $qi)) (local.get $v))))
          (local.set $m0 (f32x4.add (local.get $m0) (f32x4.mul (local.get $v) (local.get $v))))
          (local.set $v (v128.load offset=16 (local.get $xi)))
          (local.set $d1 (f32x4.add (local.get $d1) (f32x4.mul (v128.load offset=16 (local.get $qi)) (local.get $v))))
          (local.set $m1 (f32x4.add (local.get $m1) (f32x4.mul (local.get $v) (local.get $v))))
          (local.set $v (v128.load offset=32 (local.get $xi)))
          (local.set $d2 (f32x4.add (local.get $d2) (f32x4.mul (v128.load offset=32 (local.get $qi)) (local.get $v))))
          (local.set $m2 (f32x4.add (local.get $m2) (f32x4.mul (local.get $v) (local.get $v))))
          (local.set $v (v128.load offset=48 (local.get $xi)))
          (local.set $d3 (f32x4.add (local.get $d3) (f32x4.mul (v128.load offset=48 (local.get $qi)) (local.get $v))))
          (local.set $m3 (f32x4.add (local.get $m3) (f32x4.mul (local.get $v) (local.get $v))))
          (local.set $i (i32.add (local.get $i) (i32.const 64)))
          (br_if $l16 (i32.lt_u (local.get $i) (local.get $bytes16)))))
      (block $done4
        (loop $l4
          (br_if $done4 (i32.ge_u (local.get $i) (local.get $bytes4)))
          (local.set $v (v128.load (i32.add (local.get $x) (local.get $i))))
          (local.set $d0 (f32x4.add (local.get $d0)
            (f32x4.mul (v128.load (i32.add (local.get $q) (local.get $i))) (local.get $v))))
          (local.set $m0 (f32x4.add (local.get $m0) (f32x4.mul (local.get $v) (local.get $v))))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br $l4)))
      (local.set $d0 (f32x4.add
        (f32x4.add (local.get $d0) (local.get $d1))
        (f32x4.add (local.get $d2) (local.get $d3))))
      (local.set $m0 (f32x4.add
        (f32x4.add (local.get $m0) (local.get $m1))
        (f32x4.add (local.get $m2) (local.get $m3))))
      (local.set $dot (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $d0)) (f32x4.extract_lane 1 (local.get $d0)))
        (f32.add (f32x4.extract_lane 2 (local.get $d0)) (f32x4.extract_lane 3 (local.get $d0)))))
      (local.set $xx (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $m0)) (f32x4.extract_lane 1 (local.get $m0)))
        (f32.add (f32x4.extract_lane 2 (local.get $m0)) (f32x4.extract_lane 3 (local.get $m0)))))
      (block $done1
        (loop $l1
          (br_if $done1 (i32.ge_u (local.get $i) (local.get $rowBytes)))
          (local.set $t (f32.load (i32.add (local.get $x) (local.get $i))))
          (local.set $dot (f32.add (local.get $dot)
            (f32.mul (f32.load (i32.add (local.get $q) (local.get $i))) (local.get $t))))
          (local.set $xx (f32.add (local.get $xx) (f32.mul (local.get $t) (local.get $t))))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))
          (br $l1)))
      (local.set $t (f32.mul (local.get $qNorm) (f32.sqrt (local.get $xx))))
      (f32.store (local.get $out)
        (select
          (f32.div (local.get $dot) (local.get $t))
          (f32.const 0)
          (f32.ne (local.get $t) (f32.const 0))))
      (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (br_if $rows (i32.ne (local.get $out) (local.get $outEnd)))))
)
