import numpy as np

from rnnlab.data.series import load_sunspots


def test_sunspots_load_offline():
    years, values = load_sunspots()
    assert years.shape == values.shape == (309,)
    assert years[0] == 1700 and years[-1] == 2008
    assert np.all(np.diff(years) == 1)
    assert np.all(values >= 0) and values.max() > 150
