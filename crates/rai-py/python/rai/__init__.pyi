"""Type stubs of rai, generated from its endpoint declaration by
``python -m rai._stubgen`` (do not edit by hand)."""

import datetime
import os
from typing import Any, Dict, Iterable, List, Optional, Union

__version__: str

_Time = Union[str, datetime.date, datetime.datetime]
_Strs = Union[str, Iterable[str]]
_Ints = Union[str, Iterable[int]]
_Row = Dict[str, Union[int, float, str]]

ENDPOINTS: List[Dict[str, Any]]

class Error(Exception):
    message: str
    def __init__(self, message: str) -> None: ...

class InvalidQuery(Error, ValueError):
    parameter: Optional[str]
    def __init__(self, message: str, parameter: Optional[str] = ...) -> None: ...

class InvalidData(Error, ValueError):
    line: Optional[int]
    field: Optional[str]
    value: Optional[str]
    def __init__(
        self,
        message: str,
        line: Optional[int] = ...,
        field: Optional[str] = ...,
        value: Optional[str] = ...,
    ) -> None: ...

class NotFound(Error, LookupError): ...
class LimitExceeded(Error, ValueError): ...
class InternalError(Error, RuntimeError): ...

class Result:
    """One query's page: ``total`` rows before paging, the rows as JSON, XML,
    CSV or dicts, and as an Arrow stream (``pyarrow.table(r)``,
    ``polars.DataFrame(r)``)."""
    @property
    def total(self) -> int: ...
    @property
    def endpoint(self) -> str: ...
    @property
    def columns(self) -> List[str]: ...
    def __len__(self) -> int: ...
    def to_json(self) -> str: ...
    def to_xml(self) -> str: ...
    def to_csv(self) -> str: ...
    def to_pylist(self) -> List[_Row]: ...
    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object: ...

class Engine:
    def __init__(
        self,
        store: Optional[Union[str, "os.PathLike[str]"]] = None,
        *,
        durability: str = "sync",
        repair: bool = False,
        checkpoint_secs: int = 60,
        now: Optional[_Time] = None,
        default_language: Optional[str] = None,
        cache_bytes: int = 67108864,
    ) -> None: ...
    def __enter__(self) -> "Engine": ...
    def __exit__(self, *exc: object) -> None: ...
    def close(self) -> None: ...
    def load(self, table: str, source: Union[str, "os.PathLike[str]", bytes, bytearray, memoryview], format: Optional[str] = None) -> int: ...
    def upsert(self, table: str, row: Union[Dict[str, Any], str, bytes], user_id: Optional[str] = None) -> int: ...
    def retract(self, batch: int) -> None: ...
    def retain(self, table: str, before: _Time) -> None: ...
    def checkpoint(self) -> None: ...
    def query(self, endpoint: str, query: str, *, now: Optional[_Time] = None) -> Result: ...
    def contact_history(
        self,
        *,
        start: Optional[_Time] = None,
        start_time: Optional[_Time] = None,
        end: Optional[_Time] = None,
        end_time: Optional[_Time] = None,
        time_category: Optional[str] = None,
        time_zone: Optional[str] = None,
        queue_id: Optional[_Strs] = None,
        user_id: Optional[_Strs] = None,
        channel_type: Optional[_Strs] = None,
        show_channel: Optional[bool] = None,
        show_channel_type: Optional[bool] = None,
        show_queue: Optional[bool] = None,
        show_user: Optional[bool] = None,
        show_only_contact_center: Optional[bool] = None,
        show_direct_contacts: Optional[int] = None,
        show_details: Optional[bool] = None,
        show_internal_contacts: Optional[int] = None,
        fill: Optional[str] = None,
        service_level_thresholds: Optional[_Ints] = None,
        percentiles: Optional[_Ints] = None,
        derived: Optional[_Strs] = None,
        language: Optional[str] = None,
        sort: Optional[_Strs] = None,
        offset: Optional[int] = None,
        limit: Optional[int] = None,
        contact_id: Optional[str] = None,
        channel: Optional[str] = None,
        type: Optional[str] = None,
        application_id: Optional[str] = None,
        application_name: Optional[str] = None,
        queue_name: Optional[str] = None,
        user_name: Optional[str] = None,
        now: Optional[_Time] = None,
    ) -> Result:
        """``contactHistory`` with keyword arguments; see ``Engine.query``."""
        ...
    def agent_history(
        self,
        *,
        start: Optional[_Time] = None,
        start_time: Optional[_Time] = None,
        end: Optional[_Time] = None,
        end_time: Optional[_Time] = None,
        time_category: Optional[str] = None,
        time_zone: Optional[str] = None,
        user_id: Optional[_Strs] = None,
        show_user: Optional[bool] = None,
        campaign_id: Optional[_Strs] = None,
        profile_id: Optional[_Strs] = None,
        show_profile: Optional[bool] = None,
        show_campaign: Optional[bool] = None,
        fill: Optional[str] = None,
        derived: Optional[_Strs] = None,
        language: Optional[str] = None,
        sort: Optional[_Strs] = None,
        offset: Optional[int] = None,
        limit: Optional[int] = None,
        user_name: Optional[str] = None,
        profile_name: Optional[str] = None,
        profile_reason: Optional[str] = None,
        campaign_name: Optional[str] = None,
        now: Optional[_Time] = None,
    ) -> Result:
        """``agentHistory`` with keyword arguments; see ``Engine.query``."""
        ...
    def contact_statistic(
        self,
        *,
        start: Optional[_Time] = None,
        start_time: Optional[_Time] = None,
        end: Optional[_Time] = None,
        end_time: Optional[_Time] = None,
        time_category: Optional[str] = None,
        time_zone: Optional[str] = None,
        queue_id: Optional[_Strs] = None,
        user_id: Optional[_Strs] = None,
        channel_type: Optional[_Strs] = None,
        show_channel: Optional[bool] = None,
        show_channel_type: Optional[bool] = None,
        show_queue: Optional[bool] = None,
        show_user: Optional[bool] = None,
        show_only_contact_center: Optional[bool] = None,
        show_direct_contacts: Optional[int] = None,
        show_details: Optional[bool] = None,
        fill: Optional[str] = None,
        service_level_thresholds: Optional[_Ints] = None,
        percentiles: Optional[_Ints] = None,
        derived: Optional[_Strs] = None,
        language: Optional[str] = None,
        sort: Optional[_Strs] = None,
        offset: Optional[int] = None,
        limit: Optional[int] = None,
        contact_id: Optional[str] = None,
        channel: Optional[str] = None,
        type: Optional[str] = None,
        application_id: Optional[str] = None,
        application_name: Optional[str] = None,
        queue_name: Optional[str] = None,
        user_name: Optional[str] = None,
        now: Optional[_Time] = None,
    ) -> Result:
        """``contactStatistic`` with keyword arguments; see ``Engine.query``."""
        ...
    def agent_statistic(
        self,
        *,
        start: Optional[_Time] = None,
        start_time: Optional[_Time] = None,
        end: Optional[_Time] = None,
        end_time: Optional[_Time] = None,
        time_category: Optional[str] = None,
        time_zone: Optional[str] = None,
        user_id: Optional[_Strs] = None,
        show_user: Optional[bool] = None,
        fill: Optional[str] = None,
        derived: Optional[_Strs] = None,
        language: Optional[str] = None,
        sort: Optional[_Strs] = None,
        offset: Optional[int] = None,
        limit: Optional[int] = None,
        user_name: Optional[str] = None,
        now: Optional[_Time] = None,
    ) -> Result:
        """``agentStatistic`` with keyword arguments; see ``Engine.query``."""
        ...
    def agent_status(
        self,
        *,
        start: Optional[_Time] = None,
        start_time: Optional[_Time] = None,
        end: Optional[_Time] = None,
        end_time: Optional[_Time] = None,
        show_agent_info: Optional[bool] = None,
        user_id: Optional[_Strs] = None,
        reporting_group_id: Optional[_Strs] = None,
        profile_id: Optional[_Strs] = None,
        language: Optional[str] = None,
        sort: Optional[_Strs] = None,
        offset: Optional[int] = None,
        limit: Optional[int] = None,
        user_name: Optional[str] = None,
        reporting_groupid: Optional[str] = None,
        reporting_group_name: Optional[str] = None,
        profile: Optional[str] = None,
        profile_reason: Optional[str] = None,
        profile_type: Optional[str] = None,
        user_status: Optional[str] = None,
        availability: Optional[str] = None,
        contact_handling_status: Optional[str] = None,
        number: Optional[str] = None,
        mobile_number: Optional[str] = None,
        external_number: Optional[str] = None,
        email: Optional[str] = None,
        chat_name: Optional[str] = None,
        chat: Optional[str] = None,
        location: Optional[str] = None,
        now: Optional[_Time] = None,
    ) -> Result:
        """``agentStatus`` with keyword arguments; see ``Engine.query``."""
        ...
    def agent_status_history(
        self,
        *,
        start: Optional[_Time] = None,
        start_time: Optional[_Time] = None,
        end: Optional[_Time] = None,
        end_time: Optional[_Time] = None,
        user_id: Optional[_Strs] = None,
        session_id: Optional[_Strs] = None,
        language: Optional[str] = None,
        sort: Optional[_Strs] = None,
        offset: Optional[int] = None,
        limit: Optional[int] = None,
        user_name: Optional[str] = None,
        profile: Optional[str] = None,
        profile_reason: Optional[str] = None,
        profile_type: Optional[str] = None,
        user_status: Optional[str] = None,
        status: Optional[str] = None,
        outbound_serving: Optional[str] = None,
        now: Optional[_Time] = None,
    ) -> Result:
        """``agentStatusHistory`` with keyword arguments; see ``Engine.query``."""
        ...
    def agent_status_time(
        self,
        *,
        start: Optional[_Time] = None,
        start_time: Optional[_Time] = None,
        end: Optional[_Time] = None,
        end_time: Optional[_Time] = None,
        time_category: Optional[str] = None,
        time_zone: Optional[str] = None,
        user_id: Optional[_Strs] = None,
        reporting_group_id: Optional[_Strs] = None,
        show_user: Optional[bool] = None,
        show_reporting_group: Optional[bool] = None,
        show_user_status: Optional[bool] = None,
        show_availability: Optional[bool] = None,
        fill: Optional[str] = None,
        language: Optional[str] = None,
        sort: Optional[_Strs] = None,
        offset: Optional[int] = None,
        limit: Optional[int] = None,
        user_name: Optional[str] = None,
        reporting_groupid: Optional[str] = None,
        reporting_group_name: Optional[str] = None,
        user_status: Optional[str] = None,
        availability: Optional[str] = None,
        now: Optional[_Time] = None,
    ) -> Result:
        """``agentStatusTime`` with keyword arguments; see ``Engine.query``."""
        ...
