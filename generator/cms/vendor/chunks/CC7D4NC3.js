import{a}from"./FAJEXU6T.js";import"./V643UM4S.js";export{a as default};
