"""Registered models, versions, aliases and stages through the real client; the registry of Trailmark behind it."""

from __future__ import annotations

import pytest
from mlflow.exceptions import RestException

import trailmark as tm


def test_registered_models_with_aliases_and_stages(server, client):
    run_id = client.create_run("0", run_name="train").info.run_id
    client.set_terminated(run_id)
    client.create_registered_model("rf", tags={"team": "pricing"}, description="house prices")
    v1 = client.create_model_version("rf", "s3://models/rf/1", run_id=run_id, tags={"checked": "yes"})
    v2 = client.create_model_version("rf", "s3://models/rf/2", run_id=run_id, description="deeper")
    assert (v1.version, v2.version) == ("1", "2") and v1.run_id == run_id and v1.status == "READY"

    client.set_registered_model_alias("rf", "champion", "1")
    client.set_registered_model_alias("rf", "champion", "2")
    assert client.get_model_version_by_alias("rf", "champion").version == "2"
    model = client.get_registered_model("rf")
    assert model.aliases == {"champion": "2"} and model.tags == {"team": "pricing"}
    assert model.description == "house prices" and model.latest_versions[0].version == "2"
    assert client.get_model_version("rf", "1").tags == {"checked": "yes"}
    assert client.get_model_version("rf", "2").description == "deeper"

    with pytest.warns(FutureWarning):
        client.transition_model_version_stage("rf", "1", "Production")
    assert client.get_model_version("rf", "1").current_stage == "Production"
    assert [m.name for m in client.search_registered_models(filter_string="name LIKE 'r%'")] == ["rf"]
    assert sorted(v.version for v in client.search_model_versions("name='rf'")) == ["1", "2"]
    assert client.get_model_version_download_uri("rf", "1") == "s3://models/rf/1"

    client.delete_registered_model_alias("rf", "champion")
    with pytest.raises(RestException) as info:
        client.get_model_version_by_alias("rf", "champion")
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    client.delete_model_version("rf", "2")
    assert [v.version for v in client.search_model_versions("name='rf'")] == ["1"]

    store = tm.connect(server)
    assert store.get("model:rf@production").version == 1
    assert [m.version for m in store.models.alias_history("rf", "champion")] == [1, 2, None]
    assert [m.version for m in store.models.alias_history("rf", "production")] == [1]
    assert store.get("model:rf@2").lifecycle == "deleted", "a deleted version is soft-deleted, not erased"
    assert store.lineage("model:rf@1", direction="upstream", depth=1).executions()[0].uid == run_id
    store.close()
    with pytest.raises(RestException) as info:
        client.create_registered_model("rf")
    assert info.value.error_code == "RESOURCE_ALREADY_EXISTS"
    with pytest.raises(RestException) as info:
        client.create_model_version("nope", "s3://x", run_id=run_id)
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"
