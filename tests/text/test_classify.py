import time

import numpy as np
import pytest

from anju.text import LexiconClassifier, TextClassifier, classify, load_model, train_triage

LEXICON = {
    "劳动保障": ["工资", "欠薪", "社保", "讨薪"],
    "城乡建设": ["拆迁", "违建", "物业", "房产证"],
    "环境保护": ["污染", "油烟", "噪音", "排污"],
    "教育文体": ["学校", "学生", "老师", "补课"],
}


def test_fixture_accuracy(fixture_rows, trained):
    test = fixture_rows[96:]
    pred = trained.predict([r["text"] for r in test])
    acc = np.mean([p == r["label"] for p, r in zip(pred, test, strict=True)])
    assert acc >= 0.9


def test_probabilities(trained):
    p = trained.predict_proba(["工地老板拖欠农民工工资", "化工厂偷排污水"])
    assert p.shape == (2, 4)
    assert np.allclose(p.sum(axis=1), 1)
    top = trained.top_k("工地老板拖欠农民工工资三个月", k=3)
    assert top[0][0] == "劳动保障" and top[0][1] > 0.5
    assert len(top) == 3 and top[0][1] >= top[1][1] >= top[2][1]


def test_bad_input_is_bounded(trained):
    texts = [
        "",
        None,
        "😀" * 10,
        "<div>小区物业<br/>违章搭建</div>",
        "hello world",
        "學校亂收補課費",
        "污染" * 50_000,
    ]
    p = trained.predict_proba(texts)
    assert p.shape == (len(texts), 4) and np.isfinite(p).all()
    assert trained.predict(["學校亂收補課費"]) == ["教育文体"]
    t0 = time.perf_counter()
    trained.predict_proba(["拖欠工资" * 25_000])
    assert time.perf_counter() - t0 < 1.0


def test_save_load(tmp_path, trained):
    path = tmp_path / "m.pkl"
    trained.save(path)
    again = load_model(path)
    assert again.labels_ == trained.labels_
    text = "幼儿园乱收费"
    assert np.allclose(again.predict_proba([text]), trained.predict_proba([text]))
    (tmp_path / "bad.pkl").write_bytes(__import__("pickle").dumps({"format": "other"}))
    with pytest.raises(ValueError):
        load_model(tmp_path / "bad.pkl")


def test_lexicon_fallback():
    lex = LexiconClassifier(LEXICON)
    assert lex.predict(["公司拖欠工资不给社保"]) == ["劳动保障"]
    assert lex.matches("公司拖欠工资")["劳动保障"] == ["工资"]
    p = lex.predict_proba(["没有关键词"])[0]
    assert np.allclose(p, 0.25)
    assert classify("化工厂污染严重", lexicon=LEXICON)[0][0] == "环境保护"


def test_train_triage_chooses(fixture_rows):
    few = fixture_rows[:10]
    m = train_triage([r["text"] for r in few], [r["label"] for r in few], lexicon=LEXICON)
    assert isinstance(m, LexiconClassifier)
    with pytest.raises(ValueError):
        train_triage([r["text"] for r in few], [r["label"] for r in few])
    rows = fixture_rows[:60]
    labels = [r["label"] for r in rows]
    labels[0] = ""  # unlabelled rows are ignored
    m = train_triage([r["text"] for r in rows], labels, lexicon=LEXICON)
    assert isinstance(m, TextClassifier)
    assert classify("学校强制学生实习", m)[0][0] == "教育文体"


def test_stacking_with_naive_bayes(fixture_rows, monkeypatch):
    train, test = fixture_rows[:96], fixture_rows[96:]
    texts, labels = [r["text"] for r in train], [r["label"] for r in train]
    with_nb = TextClassifier(calibration="stack", nbsvm_alpha=None).fit(texts, labels)
    without = TextClassifier(calibration="stack", nb_alpha=None, nbsvm_alpha=None).fit(texts, labels)
    # the stack reads 2 × 4 scores with naive Bayes, 4 without
    assert with_nb.stack_[0].shape == (8, 4) and without.stack_[0].shape == (4, 4)
    # both are folded into one (features × labels) map
    n_features = len(with_nb.features_.vocabulary_)
    assert with_nb.coef_.shape == (n_features, 4) and with_nb.nb_coef_ is None
    p = with_nb.predict_proba([r["text"] for r in test])
    assert np.allclose(p.sum(axis=1), 1)
    acc = np.mean([with_nb.labels_[i] == r["label"] for i, r in zip(p.argmax(axis=1), test, strict=True)])
    assert acc >= 0.9
    # naive Bayes changes the stacked scores
    assert not np.allclose(with_nb.decision_function(["拖欠工资"]), without.decision_function(["拖欠工资"]))
    # folding gives the probabilities of the unfolded stack (SVM and naive Bayes scored separately)
    monkeypatch.setattr(TextClassifier, "_fold_stack", lambda self: None)
    unfolded = TextClassifier(calibration="stack", nbsvm_alpha=None).fit(texts, labels)
    assert unfolded.nb_coef_ is not None and unfolded.nb_coef_.shape == (n_features, 4)
    many = [r["text"] for r in fixture_rows]
    assert np.allclose(unfolded.predict_proba(many), with_nb.predict_proba(many), atol=1e-4)


def test_unlabelled_texts_shape_the_vocabulary_only(fixture_rows):
    rows = fixture_rows[:96]
    texts, labels = [r["text"] for r in rows], [r["label"] for r in rows]
    unlabelled = ["鑫淼垚燚小区电梯年久失修", "犇骉驫公司夜间施工扰民"]
    plain = TextClassifier().fit(texts, labels)
    shaped = TextClassifier().fit(texts, labels, unlabelled=unlabelled)
    assert len(shaped.features_.vocabulary_) > len(plain.features_.vocabulary_)
    assert shaped.labels_ == plain.labels_  # unlabelled texts never become training examples
    assert shaped.coef_.shape[0] == len(shaped.features_.vocabulary_)
    m = train_triage(texts, labels, unlabelled=unlabelled)
    assert len(m.features_.vocabulary_) == len(shaped.features_.vocabulary_)
    assert m.predict(["工地老板拖欠农民工工资三个月"]) == ["劳动保障"]


def test_lead_block(fixture_rows):
    from anju.text.features import HashedNgramTfidf, LeadAndBodyTfidf

    rows = fixture_rows[:96]
    texts, labels = [r["text"] for r in rows], [r["label"] for r in rows]
    m = TextClassifier().fit(texts, labels)
    plain = TextClassifier(lead_chars=0).fit(texts, labels)
    assert isinstance(m.features_, LeadAndBodyTfidf) and isinstance(plain.features_, HashedNgramTfidf)
    nb = len(m.features_.body.vocabulary_)
    assert len(m.features_.vocabulary_) == nb + len(m.features_.lead.vocabulary_) == m.coef_.shape[0]
    pad = "。" * 60
    x_start, x_end, x_pad = m.features_.transform(m._prep(["拖欠工资" + pad, pad + "拖欠工资", pad]))
    # words after the first 40 characters do not reach the lead block; words at the start do
    assert (x_end[:, nb:] != x_pad[:, nb:]).nnz == 0 and (x_end[:, :nb] != x_pad[:, :nb]).nnz > 0
    assert (x_start[:, nb:] != x_pad[:, nb:]).nnz > 0
    # each block has unit length, the lead block is then weighted 0.5
    assert np.isclose(np.linalg.norm(x_start[:, nb:].toarray()), 0.5, atol=1e-5)
    assert np.isclose(np.linalg.norm(x_start[:, :nb].toarray()), 1.0, atol=1e-5)


def test_lead_block_one_hashing_pass_matches_two(fixture_rows):
    rows = fixture_rows[:96]
    m = TextClassifier().fit([r["text"] for r in rows], [r["label"] for r in rows])
    f = m.features_
    docs = m._prep([r["text"] for r in fixture_rows] + ["", "拖欠工资", "。" * 80])
    two = f._join(f.body.transform(docs), f.lead.transform([t[: f.lead_chars] for t in docs]))
    one = f.transform(docs)
    assert one.shape == two.shape and (one != two).nnz == 0
    assert (f.transform(docs[:1]) != two[:1]).nnz == 0


def test_stacking_with_nbsvm(fixture_rows):
    import scipy.sparse as sp
    from sklearn.svm import LinearSVC

    train, test = fixture_rows[:96], fixture_rows[96:]
    texts, labels = [r["text"] for r in train], [r["label"] for r in train]
    m = TextClassifier(calibration="stack").fit(texts, labels)  # the default: nbsvm_alpha=1.0
    plain = TextClassifier(calibration="stack", nbsvm_alpha=None).fit(texts, labels)
    # the stack reads 3 × 4 scores (SVM, naive Bayes, NBSVM) and is folded into one map
    assert m.stack_[0].shape == (12, 4) and m.nbsvm_coef_ is None
    assert m.coef_.shape == (len(m.features_.vocabulary_), 4)
    p = m.predict_proba([r["text"] for r in test])
    assert np.allclose(p.sum(axis=1), 1)
    acc = np.mean([m.labels_[i] == r["label"] for i, r in zip(p.argmax(axis=1), test, strict=True)])
    assert acc >= 0.9
    assert not np.allclose(m.decision_function(["拖欠工资"]), plain.decision_function(["拖欠工资"]))
    # NBSVM's linear map is each label's SVM on the features scaled by that label's log-count ratio
    X = m.features_.transform(m._prep(texts))
    yi = np.array([m.labels_.index(v) for v in labels])
    coef, icpt = m._fit_nbsvm(X, yi, np.ones(len(yi)))
    pos, rest = np.asarray(X[yi == 0].sum(axis=0)).ravel() + 1, np.asarray(X[yi != 0].sum(axis=0)).ravel() + 1
    r = np.log(pos / pos.sum()) - np.log(rest / rest.sum())
    Xr = X @ sp.diags(r.astype(np.float32))
    svm = LinearSVC(C=m.C, random_state=0).fit(Xr, (yi == 0).astype(int))
    assert np.allclose(X @ coef[:, 0] + icpt[0], svm.decision_function(Xr), atol=1e-4)


def test_word_bigrams_option():
    """Off by default; on, a pair of adjacent dictionary words becomes one extra feature of its text."""
    import numpy as np

    from anju.text.classify import TextClassifier
    from anju.text.features import HashedNgramTfidf

    texts = ["人民政府社会保障", "社会保障人民政府", "", "abc", "人民政府，社会保障"]
    plain, pairs = HashedNgramTfidf(), HashedNgramTfidf(word_bigrams=True)
    assert not TextClassifier().word_bigrams
    hp, dp = plain._doc_hashes(texts)
    hb, db = pairs._doc_hashes(texts)
    assert np.all(np.diff(db) >= 0)
    # one pair in each of the first two texts (in either order, different features); none across the comma
    assert list(np.bincount(db, minlength=5) - np.bincount(dp, minlength=5)) == [1, 1, 0, 0, 0]
    extra = np.setdiff1d(hb, hp)
    assert len(extra) == 2
    assert not plain.hashes_like(pairs)
    X = pairs.fit_transform(texts)
    assert X.shape[1] == len(np.unique(hb))
    single = pairs.transform(texts[:1]).toarray()
    assert np.allclose(single, pairs.transform(texts)[:1].toarray())


def test_word_bigrams_in_the_classifier(fixture_rows):
    from anju.text.classify import TextClassifier

    texts = [r["text"] for r in fixture_rows]
    labels = [r["label"] for r in fixture_rows]
    m = TextClassifier(word_bigrams=True, calibration="platt").fit(texts, labels)
    assert m.features_.body.word_bigrams and m.features_.lead.word_bigrams
    assert m.coef_.shape[0] == len(m.features_.vocabulary_)
    top = m.top_k(texts[0], k=2)
    assert len(top) == 2 and abs(sum(p for _, p in m.top_k(texts[0], k=4)) - 1) < 1e-6


def test_drop_marks_option(fixture_rows):
    """Off by default; on, punctuation, symbols and spaces go before featurizing, in training and in
    prediction, so a text scores as its unpunctuated form (as in the segmented corpus)."""
    import numpy as np

    from anju.text.classify import TextClassifier

    assert not TextClassifier().drop_marks
    m = TextClassifier(drop_marks=True, calibration="platt").fit(
        [r["text"] for r in fixture_rows], [r["label"] for r in fixture_rows]
    )
    assert m._prep(["小区，噪音！ A-b_c《投诉》😀"]) == ["小区噪音Abc投诉"]
    text = fixture_rows[0]["text"]
    punctuated = "，".join(text[i : i + 3] for i in range(0, len(text), 3)) + "！！"
    assert np.allclose(m.predict_proba([text]), m.predict_proba([punctuated]))
    plain = TextClassifier(calibration="platt").fit(
        [r["text"] for r in fixture_rows], [r["label"] for r in fixture_rows]
    )
    assert not np.allclose(plain.predict_proba([text]), plain.predict_proba([punctuated]))
