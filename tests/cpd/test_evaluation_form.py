from cpd.forms import EvaluationForm


def test_every_evaluation_question_offers_only_real_answers():
    # A "---------" radio is a trap: choosing it, with a keyboard too, only brings an error back.
    form = EvaluationForm()

    for name in ("relevance", "quality", "objectives_met"):
        values = [str(value) for value, _ in form.fields[name].choices]
        assert "" not in values, name
    assert [label for _, label in form.fields["objectives_met"].choices] == ["Yes", "Partly", "No"]
